"""Seed content: the four audiences, a starter generative-AI skills framework, role templates,
audience requirements and the permission groups.

The data is frozen here (not imported from app code) so that this migration means the same
thing forever. Every write is an upsert by slug or natural key: running it again changes
nothing, and curators are free to edit the rows afterwards through the admin.
"""

from django.db import migrations

# Same names as readiness.permissions.LEADERSHIP_GROUP / CURATORS_GROUP (tests check that).
GROUPS = ["Leadership", "Curators"]

AUDIENCES = [
    # slug, name, is_everyone, focus
    (
        "leadership",
        "Leadership",
        False,
        "The impact of generative AI on the business, the options open to the organization, "
        "and deciding on what the readiness data shows: where to invest, what to stop, which "
        "risks to accept.",
    ),
    (
        "tech-specialists",
        "Tech specialists",
        False,
        "The technical aspects of generative AI: designing, implementing, securing and "
        "maintaining AI solutions and the platforms they run on.",
    ),
    (
        "end-users",
        "End users",
        False,
        "Interacting with generative AI: using copilots and assistants in daily work, "
        "checking what they produce, and giving feedback that improves them.",
    ),
    (
        "everyone",
        "Everyone",
        True,
        "Responsible-AI practices, both as consumers of AI output and as creators of content, "
        "prompts and solutions with AI: fairness, transparency, privacy and accountability.",
    ),
]

CATEGORIES = [
    # slug, name, description
    (
        "ai-foundations",
        "AI foundations",
        "What generative AI is, what it is not, and how to use it responsibly.",
    ),
    (
        "working-with-ai",
        "Working with AI",
        "Getting good, trustworthy results from AI assistants in everyday work.",
    ),
    (
        "strategy-governance-change",
        "Strategy, governance and change",
        "Deciding where AI creates value, keeping its risks in check and bringing people along.",
    ),
    (
        "building-ai-solutions",
        "Building AI solutions",
        "Designing, building and running applications on large language models.",
    ),
    (
        "security-and-privacy",
        "Security and privacy",
        "Protecting data and systems when AI is used, and using AI to protect them.",
    ),
]

# category slug, skill slug, name, description, reassessment interval (days or None),
# descriptors for levels 0..4 (each at most 300 characters).
SKILLS = [
    (
        "ai-foundations",
        "ai-literacy",
        "Generative AI concepts",
        "Understands what large language models and other generative models are, how they "
        "produce output, and where their limits lie (hallucination, knowledge cut-off, "
        "non-determinism, context windows).",
        None,
        [
            "Has not yet learned how generative AI works; treats it as a black box or a search "
            "engine.",
            "Explains in plain words what a large language model is, that it predicts text, and "
            "why it can be confidently wrong.",
            "Explains tokens, context windows, temperature and grounding, and uses them to "
            "predict where an AI tool will help or fail on a given task.",
            "Compares model families and modalities (text, image, code, speech) and picks the "
            "right kind of model for a use case, explaining the trade-offs to colleagues.",
            "Teaches the concepts to any audience, corrects common misconceptions, and keeps the "
            "organization's shared understanding current as the technology changes.",
        ],
    ),
    (
        "ai-foundations",
        "responsible-ai",
        "Responsible AI practice",
        "Applies the principles of fairness, reliability and safety, privacy and security, "
        "inclusiveness, transparency and accountability, as a consumer of AI output and as a "
        "creator of AI-assisted work or AI solutions.",
        None,
        [
            "Is not aware of responsible-AI principles or of the organization's AI use policy.",
            "Names the six responsible-AI principles and the organization's AI use policy; "
            "discloses AI assistance and keeps a person accountable for AI-assisted work.",
            "Checks own AI-assisted work for bias, harmful content and unsupported claims before "
            "sharing it, and knows when and how to escalate a concern.",
            "Runs an impact assessment for an AI use case, designs mitigations (human review, "
            "content filters, transparency notes) and documents the decisions.",
            "Shapes the organization's responsible-AI standard, reviews high-risk use cases and "
            "coaches teams to build the practice into their everyday work.",
        ],
    ),
    (
        "working-with-ai",
        "prompt-engineering",
        "Prompt engineering",
        "Writes instructions that get accurate, useful output from generative AI: context, "
        "examples, constraints, output formats and iterative refinement.",
        None,
        [
            "Has not written prompts beyond a single short question.",
            "Writes clear one-step prompts with the needed context and asks follow-up questions "
            "to refine an answer.",
            "Structures prompts with role, context, examples and an output format, and iterates "
            "deliberately when the result misses the mark.",
            "Designs reusable prompts and system messages, uses techniques such as few-shot and "
            "step-by-step reasoning, and measures prompt quality on test cases.",
            "Builds the team's prompt library and guidelines, evaluates prompts at scale, and "
            "teaches others to diagnose and fix poor prompts.",
        ],
    ),
    (
        "working-with-ai",
        "evaluating-ai-output",
        "Evaluating AI output",
        "Judges whether AI output is correct, complete, safe and fit for purpose, and feeds "
        "problems back so the tools improve.",
        None,
        [
            "Uses AI output as it comes, without checking it.",
            "Knows AI output can be wrong and checks facts, figures and names against a trusted "
            "source before using them.",
            "Reviews output systematically for accuracy, bias, tone and missing context, and "
            "reports wrong or harmful answers through the feedback channel.",
            "Defines acceptance criteria and test sets for an AI use case, and measures quality "
            "(groundedness, relevance, safety) before and after a change.",
            "Sets the organization's evaluation practice and metrics, and uses user feedback and "
            "evaluation results to decide whether an AI solution goes live.",
        ],
    ),
    (
        "working-with-ai",
        "copilots-daily-work",
        "Copilots in daily work",
        "Uses AI assistants such as Microsoft 365 Copilot in documents, email, meetings, chat "
        "and data work to save time without lowering quality.",
        60,
        [
            "Has not used an AI assistant for work tasks.",
            "Uses a copilot for simple tasks (summarizing an email thread or a meeting, drafting "
            "a short text) when someone shows how.",
            "Uses copilots regularly across apps to draft, summarize, analyse and find "
            "information, and adapts the output to the audience.",
            "Redesigns own and the team's workflows around copilots, combines them with "
            "organizational data safely, and shares measurable time savings.",
            "Champions copilot adoption: runs clinics, collects use cases and feedback, and "
            "advises on licences, settings and extensibility.",
        ],
    ),
    (
        "strategy-governance-change",
        "ai-strategy",
        "AI strategy and business value",
        "Identifies where generative AI creates value, weighs the options (buy, configure, "
        "build) and decides on investments from evidence.",
        None,
        [
            "Has not considered how generative AI affects their area of the business.",
            "Describes typical generative-AI use cases in their industry and the main options "
            "to adopt them.",
            "Builds a business case for an AI use case with costs, benefits, risks and success "
            "measures, and compares buy, configure and build options.",
            "Owns a portfolio of AI initiatives, prioritizes them on value and readiness, and "
            "stops or scales them based on measured results.",
            "Sets the organization's AI ambition and investment roadmap, aligns leaders on it, "
            "and is sought out by peers for advice.",
        ],
    ),
    (
        "strategy-governance-change",
        "ai-governance",
        "AI governance and risk",
        "Keeps AI use within policy, law and risk appetite: inventories, approvals, controls, "
        "monitoring and accountability.",
        None,
        [
            "Is not aware of the rules or risks that apply to AI use in the organization.",
            "Knows the organization's AI policy, who approves new AI uses, and the main risk "
            "categories (legal, ethical, security, reputational).",
            "Classifies an AI use case by risk, follows the approval process and keeps the "
            "required records (inventory entry, data and model documentation).",
            "Designs controls and monitoring for AI systems, maps them to regulation such as "
            "the EU AI Act, and runs reviews and audits.",
            "Designs the governance model itself: roles, policies, risk appetite and reporting "
            "to the board, and adapts it as regulation evolves.",
        ],
    ),
    (
        "strategy-governance-change",
        "change-leadership",
        "Leading AI adoption and change",
        "Brings people along: communicates the why, addresses concerns about jobs and ethics, "
        "and builds the habits and skills that make adoption stick.",
        None,
        [
            "Has not yet engaged their people on generative AI.",
            "Talks openly with their team about generative AI, listens to concerns and passes "
            "them on to the readiness plan.",
            "Plans adoption for a team: sets expectations, makes time for learning, follows up "
            "on skills gaps and celebrates good use.",
            "Leads adoption across several teams, measures usage and readiness, and adjusts the "
            "approach based on feedback and concerns.",
            "Shapes the organization's change approach for AI and coaches other leaders to lead "
            "it in their own areas.",
        ],
    ),
    (
        "strategy-governance-change",
        "teaching-others",
        "Teaching others about AI",
        "Helps colleagues learn generative AI: explains, demonstrates, designs learning "
        "activities and checks that learning took hold.",
        None,
        [
            "Has not helped others learn about generative AI.",
            "Shares useful tips, examples or resources about AI tools with colleagues.",
            "Runs a demo or short session on an AI tool or practice, adapted to the audience, "
            "and answers questions accurately.",
            "Designs and delivers learning paths or workshops with hands-on exercises and "
            "checks learners' progress against the skills framework.",
            "Builds the organization's AI learning programme, trains the trainers and measures "
            "how effective the training is.",
        ],
    ),
    (
        "building-ai-solutions",
        "llm-apis",
        "Building with Azure OpenAI and LLM APIs",
        "Builds applications on large language model APIs such as Azure OpenAI: chat "
        "completions, embeddings, function calling, structured output, quotas and costs.",
        60,
        [
            "Has not called a large language model API.",
            "Explains how an application calls a model through an API, what deployments, tokens "
            "and quotas are, and follows a quickstart to a working call.",
            "Builds a working feature on a model API with system messages, parameters, "
            "function calling and error handling, with guidance from a senior colleague.",
            "Designs and ships production features on LLM APIs independently: chooses models, "
            "handles limits, streaming, cost and content filtering.",
            "Sets the patterns and reference architecture for LLM applications, reviews others' "
            "designs and mentors developers.",
        ],
    ),
    (
        "building-ai-solutions",
        "rag",
        "Retrieval-augmented generation",
        "Grounds model answers in the organization's own data: chunking, embeddings, vector "
        "and hybrid search, citations and evaluation of groundedness.",
        None,
        [
            "Does not know how a model can answer from the organization's own data.",
            "Explains retrieval-augmented generation, embeddings and vector search, and why "
            "grounding reduces made-up answers.",
            "Builds a RAG prototype on an index (for example Azure AI Search) with chunking, "
            "embeddings and citations, following a guide.",
            "Designs production RAG: hybrid search, ranking, permissions-aware retrieval, and "
            "measures groundedness and relevance to tune it.",
            "Leads RAG architecture across products, solves hard retrieval quality problems and "
            "teaches the practice to others.",
        ],
    ),
    (
        "building-ai-solutions",
        "ai-agents",
        "AI agents and orchestration",
        "Builds systems in which models plan, call tools and work together on multi-step "
        "tasks, with the guardrails and human oversight they need.",
        60,
        [
            "Is not familiar with AI agents or tool calling.",
            "Explains what an AI agent is, how it uses tools and memory, and where agents add "
            "risk compared with a single model call.",
            "Builds a simple agent with tool calling using a framework such as Semantic Kernel "
            "or an agent service, with guidance.",
            "Designs multi-step and multi-agent workflows with guardrails, human approval "
            "steps, tracing and evaluation, and runs them in production.",
            "Defines the organization's agent patterns and safety controls and mentors teams "
            "building agentic solutions.",
        ],
    ),
    (
        "building-ai-solutions",
        "llmops",
        "MLOps and LLMOps",
        "Runs AI solutions as products: versioned prompts and models, automated evaluation, "
        "deployment pipelines, monitoring, cost control and incident response.",
        None,
        [
            "Has not taken part in running an AI solution in production.",
            "Describes the lifecycle of an AI solution from experiment to production and why "
            "prompts, data and models need versioning and monitoring.",
            "Operates an AI solution with existing pipelines: deploys changes, watches quality, "
            "latency and cost dashboards, and follows runbooks.",
            "Builds the pipelines: automated evaluation gates, safe rollouts, monitoring for "
            "drift and abuse, and cost controls.",
            "Sets the LLMOps platform and standards across teams and leads the response to "
            "AI incidents.",
        ],
    ),
    (
        "security-and-privacy",
        "data-privacy-ai",
        "Data privacy and security with AI",
        "Protects personal, confidential and customer data when using or building AI: what may "
        "be shared with which tool, classification labels, retention and access.",
        None,
        [
            "Is not aware of which data may or may not be used with AI tools.",
            "Knows which AI tools are approved, never pastes confidential or personal data into "
            "unapproved ones, and respects sensitivity labels.",
            "Applies data classification and least-privilege access when using AI with "
            "organizational data, and spots oversharing before it happens.",
            "Designs data protection for AI solutions (access control, masking, retention, "
            "logging) and runs privacy impact assessments.",
            "Defines the organization's rules for data use with AI and advises on privacy law "
            "and contracts with AI providers.",
        ],
    ),
    (
        "security-and-privacy",
        "securing-ai-apps",
        "Securing AI applications",
        "Protects AI applications against prompt injection, data exfiltration, jailbreaks and "
        "abuse, and tests them for it.",
        None,
        [
            "Is not aware of the attacks specific to AI applications.",
            "Explains prompt injection, jailbreaks and data leakage through model output, and "
            "the basic defences against them.",
            "Applies content filters, input and output validation, and least-privilege tool "
            "access in an AI application, following a checklist.",
            "Threat-models AI applications, red-teams them, and designs layered defences and "
            "monitoring for abuse.",
            "Leads AI security standards and red-team practice for the organization and keeps "
            "them current with new attack techniques.",
        ],
    ),
    (
        "security-and-privacy",
        "ai-security-ops",
        "AI-assisted security operations",
        "Uses AI such as Microsoft Security Copilot to investigate incidents, hunt threats and "
        "report faster, while verifying what the AI concludes.",
        60,
        [
            "Has not used AI in security operations.",
            "Explains what Security Copilot does, how it uses signals from Defender, Sentinel "
            "and Entra, and where its answers need checking.",
            "Uses Security Copilot prompts and promptbooks to summarize incidents, analyse "
            "scripts and draft reports, and verifies the results.",
            "Builds promptbooks and plugins for the team's investigations and measures the "
            "effect on triage time and quality.",
            "Designs how the security operations centre works with AI, sets its guardrails and "
            "trains analysts.",
        ],
    ),
]

ROLES = [
    # audience slug, role slug, name, description, [(skill slug, target, importance)]
    (
        "leadership",
        "executive",
        "Executive",
        "Senior leader who sets direction and decides on AI investments.",
        [
            ("ai-strategy", 3, "essential"),
            ("ai-governance", 2, "essential"),
            ("change-leadership", 3, "essential"),
            ("responsible-ai", 2, "essential"),
            ("ai-literacy", 2, "essential"),
            ("copilots-daily-work", 1, "desirable"),
        ],
    ),
    (
        "leadership",
        "people-manager",
        "People manager",
        "Leads a team; brings it along in adopting AI and validates its skills.",
        [
            ("change-leadership", 2, "essential"),
            ("responsible-ai", 2, "essential"),
            ("copilots-daily-work", 2, "essential"),
            ("evaluating-ai-output", 2, "essential"),
            ("ai-strategy", 1, "desirable"),
            ("teaching-others", 2, "desirable"),
        ],
    ),
    (
        "tech-specialists",
        "developer",
        "Developer",
        "Builds and maintains software, including features on large language models.",
        [
            ("llm-apis", 3, "essential"),
            ("prompt-engineering", 3, "essential"),
            ("rag", 2, "essential"),
            ("securing-ai-apps", 2, "essential"),
            ("evaluating-ai-output", 2, "essential"),
            ("ai-agents", 2, "desirable"),
            ("llmops", 2, "desirable"),
        ],
    ),
    (
        "tech-specialists",
        "data-scientist",
        "Data scientist",
        "Explores data, builds and evaluates models and AI solutions.",
        [
            ("evaluating-ai-output", 3, "essential"),
            ("rag", 3, "essential"),
            ("prompt-engineering", 3, "essential"),
            ("llmops", 3, "essential"),
            ("llm-apis", 2, "essential"),
            ("data-privacy-ai", 2, "essential"),
            ("responsible-ai", 3, "desirable"),
        ],
    ),
    (
        "tech-specialists",
        "security-analyst",
        "Security analyst",
        "Detects, investigates and responds to security threats.",
        [
            ("ai-security-ops", 3, "essential"),
            ("securing-ai-apps", 3, "essential"),
            ("data-privacy-ai", 3, "essential"),
            ("prompt-engineering", 2, "essential"),
            ("ai-governance", 2, "desirable"),
        ],
    ),
    (
        "tech-specialists",
        "solution-architect",
        "Solution architect",
        "Designs solutions end to end and chooses the platforms they run on.",
        [
            ("llm-apis", 3, "essential"),
            ("rag", 3, "essential"),
            ("ai-agents", 3, "essential"),
            ("securing-ai-apps", 2, "essential"),
            ("ai-governance", 2, "essential"),
            ("llmops", 2, "desirable"),
            ("ai-strategy", 2, "desirable"),
        ],
    ),
    (
        "end-users",
        "trainer",
        "Trainer",
        "Designs and delivers learning for colleagues and customers.",
        [
            ("teaching-others", 3, "essential"),
            ("ai-literacy", 3, "essential"),
            ("copilots-daily-work", 3, "essential"),
            ("prompt-engineering", 2, "essential"),
            ("responsible-ai", 2, "essential"),
            ("change-leadership", 1, "desirable"),
        ],
    ),
    (
        "end-users",
        "business-user",
        "Business user",
        "Knowledge worker in finance, HR, sales, marketing or operations.",
        [
            ("copilots-daily-work", 2, "essential"),
            ("prompt-engineering", 2, "essential"),
            ("evaluating-ai-output", 2, "essential"),
            ("data-privacy-ai", 2, "desirable"),
        ],
    ),
    (
        "end-users",
        "customer-service-agent",
        "Customer service agent",
        "Answers customers by phone, chat and email, increasingly with AI assistance.",
        [
            ("copilots-daily-work", 2, "essential"),
            ("evaluating-ai-output", 2, "essential"),
            ("data-privacy-ai", 2, "essential"),
            ("prompt-engineering", 1, "desirable"),
            ("responsible-ai", 2, "desirable"),
        ],
    ),
]

AUDIENCE_REQUIREMENTS = [
    # audience slug, skill slug, target
    ("everyone", "responsible-ai", 1),
    ("everyone", "data-privacy-ai", 1),
    ("everyone", "ai-literacy", 1),
    ("leadership", "ai-strategy", 2),
    ("leadership", "ai-governance", 1),
    ("leadership", "change-leadership", 2),
    ("leadership", "ai-literacy", 2),
    ("tech-specialists", "ai-literacy", 2),
    ("tech-specialists", "responsible-ai", 2),
    ("tech-specialists", "prompt-engineering", 2),
    ("tech-specialists", "evaluating-ai-output", 2),
    ("end-users", "copilots-daily-work", 2),
    ("end-users", "prompt-engineering", 1),
    ("end-users", "evaluating-ai-output", 1),
]


def seed_framework(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Audience = apps.get_model("readiness", "Audience")
    SkillCategory = apps.get_model("readiness", "SkillCategory")
    Skill = apps.get_model("readiness", "Skill")
    Role = apps.get_model("readiness", "Role")
    RoleRequirement = apps.get_model("readiness", "RoleRequirement")
    AudienceRequirement = apps.get_model("readiness", "AudienceRequirement")

    for name in GROUPS:
        Group.objects.get_or_create(name=name)

    audiences = {}
    for order, (slug, name, is_everyone, focus) in enumerate(AUDIENCES, start=1):
        audiences[slug], _ = Audience.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "is_everyone": is_everyone, "focus": focus, "order": order},
        )

    categories = {}
    for order, (slug, name, description) in enumerate(CATEGORIES, start=1):
        categories[slug], _ = SkillCategory.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )

    skills = {}
    for order, (category, slug, name, description, interval, descriptors) in enumerate(
        SKILLS, start=1
    ):
        assert len(descriptors) == 5 and all(len(d) <= 300 for d in descriptors), slug
        defaults = {
            "name": name,
            "category": categories[category],
            "description": description,
            "reassessment_interval_days": interval,
            "order": order,
        }
        defaults.update({f"descriptor_{level}": text for level, text in enumerate(descriptors)})
        skills[slug], _ = Skill.objects.update_or_create(slug=slug, defaults=defaults)

    for audience, slug, name, description, requirements in ROLES:
        role, _ = Role.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "audience": audiences[audience], "description": description},
        )
        for skill, target, importance in requirements:
            RoleRequirement.objects.update_or_create(
                role=role,
                skill=skills[skill],
                defaults={"target_level": target, "importance": importance},
            )

    for audience, skill, target in AUDIENCE_REQUIREMENTS:
        AudienceRequirement.objects.update_or_create(
            audience=audiences[audience], skill=skills[skill], defaults={"target_level": target}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("readiness", "0001_initial"),
    ]

    operations = [
        # Reversing keeps the rows: people's ratings and plans may already point at them.
        migrations.RunPython(seed_framework, migrations.RunPython.noop, elidable=False),
    ]
