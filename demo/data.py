"""What the demo organization is made of: sizes, team profiles, names, cycles and concerns."""

from dataclasses import dataclass

DEFAULT_PEOPLE = 60
DEFAULT_PASSWORD = "readiness-demo"  # noqa: S105 - a documented demo password  # nosec B105 # the documented demo password
MIN_PEOPLE = 12
PEOPLE_PER_TEAM = 40
TEAMS_PER_DIVISION = 10
BATCH_SIZE = 1000
RATING_BATCH_SIZE = 5000
PLAN_NAME = "Generative AI readiness programme"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    description: str


DEMO_LOGINS = (
    DemoLogin("admin", "Sam", "Okafor", "superuser and staff: every page and the Django admin"),
    DemoLogin("lead", "Leila", "Haddad", "Leadership: owns the readiness plan"),
    DemoLogin("curator", "Chris", "Novak", "Curators: skills framework and training catalog"),
    DemoLogin("manager", "Maria", "Santos", "manages Platform Engineering"),
    DemoLogin("employee", "Ethan", "Kim", "developer in Platform Engineering, with gaps"),
)

# Leaf-team profiles: name, department, and the mix of roles (role slug: weight).
PROFILES: dict[str, tuple[str, str, dict[str, int]]] = {
    "engineering": (
        "Platform Engineering",
        "Technology",
        {"developer": 6, "solution-architect": 2, "data-scientist": 1, "business-user": 1},
    ),
    "executive": ("Executive Office", "Operations", {"executive": 1}),
    "learning": ("People & Learning", "Operations", {"trainer": 5, "business-user": 5}),
    "service": (
        "Customer Service",
        "Customer Experience",
        {"customer-service-agent": 8, "trainer": 1, "business-user": 1},
    ),
    "data": (
        "Data & AI",
        "Technology",
        {"data-scientist": 5, "developer": 3, "solution-architect": 1, "business-user": 1},
    ),
    "security": (
        "Security Operations",
        "Technology",
        {"security-analyst": 6, "developer": 2, "solution-architect": 1, "business-user": 1},
    ),
    "finance": ("Finance", "Operations", {"business-user": 9, "trainer": 1}),
    "sales": (
        "Sales",
        "Customer Experience",
        {"business-user": 7, "solution-architect": 2, "trainer": 1},
    ),
}
# The first teams of any organization (a small one keeps only the first few) ...
PROFILE_PRIORITY = [
    "engineering",
    "executive",
    "learning",
    "service",
    "data",
    "security",
    "finance",
    "sales",
]
# ... and the mix of the teams a larger organization adds.
EXTRA_PROFILES = [
    "engineering",
    "service",
    "data",
    "sales",
    "security",
    "service",
    "finance",
    "engineering",
    "learning",
    "sales",
]
REGIONS = [
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Nordics",
    "Benelux",
    "Iberia",
    "DACH",
    "UK & Ireland",
    "France",
    "Italy",
    "Americas",
    "Asia Pacific",
    "Middle East & Africa",
]
JOB_TITLES = {
    "developer": ["Software Engineer", "Senior Software Engineer", "Staff Engineer"],
    "data-scientist": ["Data Scientist", "Senior Data Scientist", "ML Engineer"],
    "security-analyst": ["Security Analyst", "Senior Security Analyst", "SOC Engineer"],
    "solution-architect": ["Solution Architect", "Cloud Architect", "Enterprise Architect"],
    "trainer": ["Trainer", "Learning Designer", "Enablement Specialist"],
    "business-user": ["Analyst", "Specialist", "Coordinator", "Business Partner"],
    "customer-service-agent": ["Customer Service Agent", "Senior Support Agent"],
    "executive": ["Chief of Staff"],
    "people-manager": ["Team Lead"],
}
FIRST_NAMES = (
    "Aisha",
    "Akira",
    "Alejandro",
    "Amara",
    "Ana",
    "Anders",
    "Anika",
    "Arjun",
    "Beatriz",
    "Ben",
    "Bilal",
    "Camille",
    "Carlos",
    "Chen",
    "Chloe",
    "Daniel",
    "Dmitri",
    "Elena",
    "Emeka",
    "Emma",
    "Fatima",
    "Felix",
    "Femi",
    "Grace",
    "Hana",
    "Hassan",
    "Ines",
    "Isabel",
    "Ivan",
    "Jack",
    "James",
    "Jana",
    "Javier",
    "Jin",
    "Joao",
    "Jonas",
    "Julia",
    "Kai",
    "Karin",
    "Kenji",
    "Lara",
    "Leo",
    "Liam",
    "Lina",
    "Lucas",
    "Maya",
    "Mei",
    "Mohammed",
    "Nadia",
    "Naomi",
    "Nikhil",
    "Noah",
    "Nora",
    "Olga",
    "Omar",
    "Pablo",
    "Priya",
    "Rafael",
    "Ravi",
    "Rosa",
    "Ruth",
    "Sara",
    "Sofia",
    "Tariq",
    "Thomas",
    "Tomas",
    "Valentina",
    "Victor",
    "Wei",
    "Yara",
    "Yusuf",
    "Zainab",
    "Zoe",
)
LAST_NAMES = (
    "Abbott",
    "Adeyemi",
    "Alvarez",
    "Andersen",
    "Bauer",
    "Becker",
    "Bianchi",
    "Brown",
    "Chen",
    "Costa",
    "Dubois",
    "Eriksson",
    "Fernandez",
    "Fischer",
    "Garcia",
    "Gupta",
    "Hansen",
    "Hernandez",
    "Hoffmann",
    "Ibrahim",
    "Ito",
    "Jansen",
    "Johansson",
    "Khan",
    "Kowalski",
    "Kumar",
    "Larsen",
    "Laurent",
    "Lee",
    "Lopez",
    "Martin",
    "Meyer",
    "Moreau",
    "Murphy",
    "Nakamura",
    "Nguyen",
    "Nielsen",
    "Novak",
    "O'Brien",
    "Okafor",
    "Olsen",
    "Park",
    "Patel",
    "Perez",
    "Petrov",
    "Quinn",
    "Rahman",
    "Rossi",
    "Said",
    "Sato",
    "Schmidt",
    "Silva",
    "Singh",
    "Smith",
    "Sorensen",
    "Suzuki",
    "Tanaka",
    "Taylor",
    "Torres",
    "Varga",
    "Wagner",
    "Walsh",
    "Wang",
    "Weber",
    "Williams",
    "Wilson",
    "Wojcik",
    "Yamamoto",
    "Yilmaz",
    "Zhang",
)
# Self-assessment bias: most people rate themselves right, a few far off (calibration flags).
SELF_BIAS, SELF_BIAS_WEIGHTS = (0, 1, -1, 2, -2), (60, 24, 10, 4, 2)
CYCLE_OFFSETS_DAYS = (265, 160, 55)  # opening days before today of the three closed cycles
CYCLE_LENGTH_DAYS = 21
OPEN_CYCLE_OPENED_DAYS = 6  # the open cycle (the banner, live completion) opened this many days ago
OPEN_CYCLE_SUBMITTED = 0.35  # share of people who have already submitted in the open cycle
PARTICIPATION = (0.85, 0.8, 0.72)  # share of people who self-assess in each cycle
MANAGER_REVIEW = (0.85, 0.8, 0.65)  # share of those whom their manager rates too
CALIBRATION_NOTES = (
    "Discussed in our one-to-one: let's agree on evidence for this level next cycle.",
    "I have not yet seen this applied on a project; happy to revisit after the next release.",
    "You underrate yourself here: you led the team's session on this.",
)
CONCERNS = (
    (
        "job_impact",
        "Will AI assistants replace part of the customer service team?",
        "Anxiety and attrition among agents.",
        "hr",
    ),
    (
        "ethics",
        "Who checks the AI's answers before they reach a customer?",
        "Wrong or biased answers damage customer trust.",
        "leadership",
    ),
    (
        "data_privacy",
        "Can I paste customer emails into Copilot?",
        "Personal data shared with a tool that is not approved for it.",
        "it",
    ),
    (
        "skills",
        "I have no time in my week for the learning paths.",
        "The plan's learning goals slip.",
        "managers",
    ),
    (
        "tooling",
        "Only half of the team has a Copilot licence.",
        "Uneven adoption and frustration.",
        "it",
    ),
    (
        "ethics",
        "Our hiring team wants to screen CVs with AI: is that allowed?",
        "Legal exposure and unfair treatment of candidates.",
        "legal",
    ),
    (
        "skills",
        "The Azure OpenAI path assumes Python; most of us write C#.",
        "Developers drop the training half-way.",
        "learning",
    ),
    (
        "data_privacy",
        "Where are prompts and answers stored, and for how long?",
        "Retention breaks our data protection commitments.",
        "legal",
    ),
    (
        "job_impact",
        "Will my performance review count how much I use AI?",
        "People game usage metrics instead of improving work.",
        "hr",
    ),
    (
        "tooling",
        "The security team cannot test agents without a sandbox tenant.",
        "Agent projects stall or go live untested.",
        "it",
    ),
    (
        "other",
        "We need a place to share prompts that work.",
        "Everyone reinvents the same prompts.",
        "learning",
    ),
    (
        "skills",
        "Managers are asked to rate skills they do not understand themselves.",
        "Manager ratings are unreliable.",
        "learning",
    ),
)
