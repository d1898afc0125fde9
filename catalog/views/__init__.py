"""Views of the catalog: browsing (everyone), curation and the Learn import (curators)."""
