"""What a page shows, one module per area: cells, colours, tooltips, charts, ``<option>`` HTML.
Presenters take what the selectors read and never query on their own."""
