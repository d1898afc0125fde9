"""Seed content: the providers, the training resources the readiness guidance names, the skills
each one builds, a few skill-mapping rules for the Microsoft Learn importer, and the model
permissions of the Curators group.

Upserts by URL (resources), slug (providers) and natural key (links, rules): re-runnable.
"""

from django.db import migrations

LEARN = "https://learn.microsoft.com"

PROVIDERS = [
    # slug, name, url, preference (lower is preferred)
    ("internal", "Internal", "", 10),
    ("microsoft-learn", "Microsoft Learn", LEARN, 20),
    ("github", "GitHub", "https://github.com", 30),
    ("linkedin-learning", "LinkedIn Learning", "https://www.linkedin.com/learning", 40),
]

DIFFICULTY = {"beginner": 1, "intermediate": 2, "advanced": 3}

RESOURCES = [
    {
        "title": "Embrace responsible AI principles and practices",
        "url": f"{LEARN}/training/modules/embrace-responsible-ai-principles-practices/",
        "kind": "module",
        "provider": "microsoft-learn",
        "source": "learn_catalog",
        "external_uid": "learn.wwl.embrace-responsible-ai-principles-practices",
        "learn_levels": ["beginner"],
        "learn_roles": ["business-leader", "business-owner"],
        "learn_products": ["azure", "dynamics-365", "m365"],
        "duration_minutes": 53,
        "is_free": True,
        "audiences": ["everyone"],
        "summary": "Why responsible AI matters to every organization, the six principles "
        "(fairness, reliability and safety, privacy and security, inclusiveness, transparency, "
        "accountability) and how to put them into practice with governance and an impact "
        "assessment.",
        "skills": {"responsible-ai": 2, "ai-governance": 1, "data-privacy-ai": 1},
    },
    {
        "title": "Microsoft Azure AI Fundamentals: Generative AI",
        "url": f"{LEARN}/training/paths/introduction-generative-ai/",
        "kind": "learning_path",
        "provider": "microsoft-learn",
        "source": "learn_catalog",
        "external_uid": "learn.intro-generative-ai",
        "learn_levels": ["beginner"],
        "learn_roles": ["ai-engineer", "developer", "solution-architect", "student"],
        "learn_products": ["azure-openai", "azure"],
        "children_uids": [
            "learn.wwl.fundamentals-generative-ai",
            "learn.wwl.introduction-to-azure-ai-studio",
            "learn.wwl.responsible-ai-studio",
        ],
        "duration_minutes": 150,
        "is_free": True,
        "audiences": ["leadership", "tech-specialists", "end-users"],
        "summary": "The fundamentals of generative AI: large language models, copilots and "
        "prompts, building with Azure AI Studio, and the practices of responsible generative AI.",
        "skills": {"ai-literacy": 2, "responsible-ai": 1, "prompt-engineering": 1, "llm-apis": 1},
    },
    {
        "title": "Introduction to generative AI for trainers",
        "url": f"{LEARN}/training/paths/intro-generative-ai-for-trainers/",
        "kind": "learning_path",
        "provider": "microsoft-learn",
        "source": "learn_catalog",
        "external_uid": "learn.philanthropies.intro-generative-ai-for-trainers",
        "learn_levels": ["beginner"],
        "learn_roles": [
            "k-12-educator",
            "business-user",
            "higher-ed-educator",
            "data-engineer",
            "school-leader",
        ],
        "learn_products": ["ms-copilot", "m365-apps"],
        "duration_minutes": 190,
        "is_free": True,
        "audiences": ["leadership", "tech-specialists"],
        "summary": "For people who teach others: what generative AI is, how to write effective "
        "prompts for Microsoft Copilot, and how to bring generative AI into training sessions "
        "responsibly.",
        "skills": {"teaching-others": 2, "ai-literacy": 2, "prompt-engineering": 2,
                   "copilots-daily-work": 1},
    },
    {
        "title": "Develop Generative AI solutions with Azure OpenAI Service",
        "url": f"{LEARN}/training/paths/develop-ai-solutions-azure-openai/",
        "kind": "learning_path",
        "provider": "microsoft-learn",
        "source": "learn_catalog",
        "external_uid": "learn.wwl.develop-ai-solutions-azure-openai",
        "learn_levels": ["intermediate"],
        "learn_roles": ["ai-engineer", "developer"],
        "learn_products": ["azure", "azure-sdks", "azure-openai"],
        "duration_minutes": 420,
        "is_free": True,
        "audiences": ["tech-specialists"],
        "summary": "Provision Azure OpenAI Service and build with it: natural language "
        "solutions, prompt engineering, code generation, image generation, and grounding "
        "answers in your own data.",
        "skills": {"llm-apis": 3, "prompt-engineering": 3, "rag": 2},
    },
    {
        "title": "Get started with Microsoft Copilot for Security",
        "url": f"{LEARN}/training/paths/security-copilot-and-ai/",
        "kind": "learning_path",
        "provider": "microsoft-learn",
        "source": "learn_catalog",
        "external_uid": "learn.wwl.security-copilot-and-ai",
        "learn_levels": ["beginner"],
        "learn_roles": [
            "security-engineer",
            "security-operations-analyst",
            "business-user",
            "business-owner",
            "student",
        ],
        "learn_products": ["defender-xdr", "microsoft-sentinel", "entra", "ms-copilot"],
        "duration_minutes": 240,
        "is_free": True,
        "audiences": ["tech-specialists"],
        "summary": "Now titled \"Enhance security operations by using Microsoft Security "
        "Copilot\": the fundamentals of generative AI for security teams, what Security "
        "Copilot does, its prompts, promptbooks and plugins, and how it works with Defender "
        "XDR, Sentinel and Entra.",
        "skills": {"ai-security-ops": 2, "ai-literacy": 1},
    },
    {
        "title": "Career Essentials in Generative AI by Microsoft and LinkedIn",
        "url": "https://www.linkedin.com/learning/paths/"
        "career-essentials-in-generative-ai-by-microsoft-and-linkedin",
        "kind": "learning_path",
        "provider": "linkedin-learning",
        "source": "manual",
        "external_uid": None,
        "learn_levels": [],
        "duration_minutes": 240,
        "is_free": False,
        "audiences": ["leadership", "tech-specialists", "end-users"],
        "summary": "A LinkedIn Learning path for every role: the core concepts of artificial "
        "intelligence and generative AI, how to use AI tools such as Microsoft Copilot, and "
        "the ethics of generative AI.",
        "curator_notes": "Free when launched; now needs a LinkedIn Learning licence.",
        "skills": {"ai-literacy": 2, "responsible-ai": 2, "copilots-daily-work": 1,
                   "prompt-engineering": 1},
    },
    {
        "title": "Generative AI for Beginners",
        "url": "https://microsoft.github.io/generative-ai-for-beginners/",
        "kind": "course",
        "provider": "github",
        "source": "manual",
        "external_uid": None,
        "learn_levels": [],
        "duration_minutes": 1260,
        "is_free": True,
        "audiences": ["tech-specialists"],
        "summary": "A 21-lesson open course (MIT licence) from Microsoft Cloud Advocates: LLMs, "
        "responsible use, prompt engineering, text, chat, search and image apps, function "
        "calling, securing AI apps, the application lifecycle, RAG and vector databases, "
        "open-source models, AI agents and fine-tuning.",
        "curator_notes": "Beginner to intermediate; each lesson has Python and TypeScript code.",
        "skills": {"llm-apis": 2, "prompt-engineering": 2, "rag": 2, "ai-agents": 2,
                   "securing-ai-apps": 1, "llmops": 1},
    },
]

MAPPING_RULES = [
    # skill slug, field, value, level rule, fixed level
    ("llm-apis", "product", "azure-openai", "difficulty", None),
    ("ai-literacy", "subject", "artificial-intelligence", "fixed", 1),
    ("responsible-ai", "keyword", "responsible", "difficulty", None),
    ("prompt-engineering", "keyword", "prompt", "difficulty", None),
    ("rag", "keyword", "retrieval-augmented", "difficulty", None),
    ("rag", "product", "azure-ai-search", "difficulty", None),
    ("ai-agents", "keyword", "AI agent", "difficulty", None),
    ("llmops", "product", "azure-machine-learning", "difficulty", None),
    ("ai-security-ops", "keyword", "Security Copilot", "difficulty", None),
    ("ai-security-ops", "keyword", "Copilot for Security", "difficulty", None),
    ("copilots-daily-work", "keyword", "Microsoft 365 Copilot", "difficulty", None),
]

# Curators maintain the framework and the catalog in the admin.
CURATOR_MODELS = {
    "readiness": [
        "audience",
        "skillcategory",
        "skill",
        "role",
        "rolerequirement",
        "audiencerequirement",
    ],
    "catalog": ["provider", "trainingresource", "resourceskill", "skillmappingrule"],
}


def seed_resources(apps, schema_editor):
    Audience = apps.get_model("readiness", "Audience")
    Skill = apps.get_model("readiness", "Skill")
    Provider = apps.get_model("catalog", "Provider")
    TrainingResource = apps.get_model("catalog", "TrainingResource")
    ResourceSkill = apps.get_model("catalog", "ResourceSkill")
    SkillMappingRule = apps.get_model("catalog", "SkillMappingRule")

    audiences = {a.slug: a for a in Audience.objects.all()}
    skills = {s.slug: s for s in Skill.objects.all()}

    providers = {}
    for slug, name, url, preference in PROVIDERS:
        providers[slug], _ = Provider.objects.update_or_create(
            slug=slug, defaults={"name": name, "url": url, "preference": preference}
        )

    for item in RESOURCES:
        item = dict(item)
        audience_slugs = item.pop("audiences")
        skill_levels = item.pop("skills")
        item["provider"] = providers[item["provider"]]
        item["level"] = DIFFICULTY[item["learn_levels"][0]] if item["learn_levels"] else 1
        if item["source"] == "learn_catalog":
            item["locale"] = "en-us"
        url = item.pop("url")
        resource, _ = TrainingResource.objects.update_or_create(url=url, defaults=item)
        resource.audiences.add(*(audiences[slug] for slug in audience_slugs))
        for skill, level in skill_levels.items():
            ResourceSkill.objects.update_or_create(
                resource=resource, skill=skills[skill], defaults={"level": level}
            )

    for skill, field, value, level_rule, fixed_level in MAPPING_RULES:
        SkillMappingRule.objects.update_or_create(
            skill=skills[skill],
            field=field,
            value=value,
            defaults={"level_rule": level_rule, "fixed_level": fixed_level},
        )


def grant_curator_permissions(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; create them now so the
    # group can be given them on a fresh database too. (Migration-state app configs have no
    # models module, which create_permissions insists on: lend them one for the call.)
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curators, _ = Group.objects.get_or_create(name="Curators")
    for app_label, models in CURATOR_MODELS.items():
        curators.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label, content_type__model__in=models
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("readiness", "0002_seed_framework"),
        ("catalog", "0001_initial"),
    ]

    operations = [
        # Reversing keeps the rows: learning plans may already point at the resources.
        migrations.RunPython(seed_resources, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(grant_curator_permissions, migrations.RunPython.noop, elidable=False),
    ]
