namespace MesaLab.Cli.Options;

using System.CommandLine;

/// <summary>
/// Every option that sets a configuration field, declared once: the option a verb adds is one of these, so
/// <c>--steps</c> is <c>ppo.total_steps</c> and <c>--seed</c> is the experiment's seed in every verb.
/// </summary>
public static class ConfigAliases
{
    public static readonly ConfigAlias Seed = ConfigAlias.Value("--seed", "seed");
    public static readonly ConfigAlias Threads = ConfigAlias.Value("--threads", "threads");
    public static readonly ConfigAlias World = ConfigAlias.Value("--world", "world");
    public static readonly ConfigAlias Name = ConfigAlias.Value("--name", "name");
    public static readonly ConfigAlias Steps = ConfigAlias.Value("--steps", "ppo.total_steps");
    public static readonly ConfigAlias Device = ConfigAlias.Value("--device", "training.device");

    public static readonly ConfigAlias Episodes = ConfigAlias.Value("--episodes", "evaluation.episodes");
    public static readonly ConfigAlias EvaluationSeed = ConfigAlias.Value("--evaluation-seed", "evaluation.seed");
    public static readonly ConfigAlias Batch = ConfigAlias.Value("--batch", "evaluation.batch");
    public static readonly ConfigAlias RewardWeights = ConfigAlias.Flag("--reward-weights", "evaluation.reward_weights");
    public static readonly ConfigAlias AnyCellGoals = ConfigAlias.Flag("--any-cell-goals", "evaluation.any_cell_goals");

    public static readonly ConfigAlias InspectionSplit = ConfigAlias.Value("--split", "inspection.split");
    public static readonly ConfigAlias InspectionLevels = ConfigAlias.Value("--levels", "inspection.levels");
    public static readonly ConfigAlias States = ConfigAlias.Value("--states", "inspection.states_per_level");
    public static readonly ConfigAlias Layers = ConfigAlias.List("--layers", "inspection.layers");
    public static readonly ConfigAlias NoRandomInit = ConfigAlias.Flag("--no-random-init", "inspection.random_init_control", false, "skip the randomly initialized network control (inspection.random_init_control: false)");
    public static readonly ConfigAlias NoSearch = ConfigAlias.Flag("--no-search", "inspection.search_likeness", false, "skip the search-likeness test (inspection.search_likeness: false)");
    public static readonly ConfigAlias AttributionLevel = ConfigAlias.Value("--level", "inspection.attribution_level");

    public static readonly ConfigAlias SteeringLayer = ConfigAlias.Value("--layer", "steering.layer");
    public static readonly ConfigAlias SteeringFeature = ConfigAlias.Value("--feature", "steering.feature");
    public static readonly ConfigAlias SteeringLevels = ConfigAlias.Value("--levels", "steering.levels");
    public static readonly ConfigAlias Coefficients = ConfigAlias.List("--coefficients", "steering.coefficients");
    public static readonly ConfigAlias SteeringGreedy = ConfigAlias.Flag("--greedy", "steering.greedy");

    public static readonly ConfigAlias RetargetLayer = ConfigAlias.Value("--layer", "retargeting.layer");
    public static readonly ConfigAlias RetargetGoal = ConfigAlias.Value("--goal", "retargeting.goal");
    public static readonly ConfigAlias RetargetLevels = ConfigAlias.Value("--levels", "retargeting.levels");
    public static readonly ConfigAlias Strength = ConfigAlias.Value("--strength", "retargeting.strength");
    public static readonly ConfigAlias RetargetGreedy = ConfigAlias.Flag("--greedy", "retargeting.greedy");

    public static readonly ConfigAlias QuantilizerN = ConfigAlias.Value("--n", "quantilizer.n");
    public static readonly ConfigAlias QuantilizerLevels = ConfigAlias.Value("--levels", "quantilizer.levels");

    public static readonly ConfigAlias ComparisonSeeds = ConfigAlias.Value("--seeds", "comparison.seeds");
    public static readonly ConfigAlias Aux = ConfigAlias.Value("--aux", "comparison.aux");
    public static readonly ConfigAlias AuditMargin = ConfigAlias.Value("--audit-margin", "comparison.audit_margin");
    public static readonly ConfigAlias AuditLevels = ConfigAlias.Value("--audit-levels", "comparison.audit_levels");
    public static readonly ConfigAlias AuditLayers = ConfigAlias.List("--audit-layers", "comparison.audit_layers");

    public static readonly ConfigAlias Retries = ConfigAlias.Value("--retries", "study.retries");
    public static readonly ConfigAlias Partition = ConfigAlias.Value("--partition", "study.slurm.partition");
    public static readonly ConfigAlias Time = ConfigAlias.Value("--time", "study.slurm.time");
    public static readonly ConfigAlias CpusPerTask = ConfigAlias.Value("--cpus-per-task", "study.slurm.cpus_per_task");
    public static readonly ConfigAlias Memory = ConfigAlias.Value("--mem", "study.slurm.memory");

    public static readonly ConfigAlias CompetenceSeeds = ConfigAlias.Value("--seeds", "competence.seeds");
    public static readonly ConfigAlias LimitSeconds = ConfigAlias.Value("--limit-seconds", "competence.limit_seconds");

    /// <summary>Adds the aliases' options to a command.</summary>
    public static void AddTo(Command command, IEnumerable<ConfigAlias> aliases)
    {
        foreach (var a in aliases) command.Options.Add(a.Option);
    }

    /// <summary>The overrides the given aliases carry in this invocation, then every <c>--set</c>.</summary>
    public static List<ConfigOverride> Overrides(ParseResult parse, IEnumerable<ConfigAlias> aliases) =>
        [.. aliases.Select(a => a.Override(parse)).OfType<ConfigOverride>(), .. CommonOptions.Sets(parse)];
}
