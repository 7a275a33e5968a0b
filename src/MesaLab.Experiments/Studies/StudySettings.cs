namespace MesaLab.Experiments;

using System.ComponentModel.DataAnnotations;

/// <summary>
/// A study (YAML section <c>study:</c>): several training procedures, each the experiment of this file with some
/// changes, trained with every seed listed — one run per procedure and seed — then evaluated on the train and deploy
/// splits and analysed; the study report gives every figure over seeds with seed-level intervals and the variance
/// decomposition (configs/homogeneity.yaml, configs/mitigation-study.yaml). The runs a study makes store their
/// configuration without this section.
/// </summary>
[ConfigSection("study")]
public sealed record StudySettings
{
    /// <summary>The seeds every procedure is trained with (each run's experiment seed).</summary>
    public IReadOnlyList<long> Seeds { get; init; } = [];

    /// <summary>The training procedures compared: each a `name`, an optional `description`, an optional procedure it `extends`, an optional `value` on the study's axis, and `set`, the changes it makes to the experiment (nested mappings or dotted paths, e.g. `set: { train_split: train-randomized-2pct }`).</summary>
    public IReadOnlyList<ProcedureSettings> Procedures { get; init; } = [];

    /// <summary>How often a failed job is tried again before it is reported as failed.</summary>
    [Range(0, 100)]
    public int Retries { get; init; } = 2;

    /// <summary>When the procedures lie on one numeric axis (e.g. the randomized fraction), its label: the report then draws each figure as a curve over the procedures' values.</summary>
    public string? Axis { get; init; }

    /// <summary>Show axis values as percentages (0.02 → 2 %).</summary>
    public bool Percent { get; init; }

    /// <summary>Episode-bootstrap replicates stored per run for the outcome shares: the second stage of the study's hierarchical bootstrap (the behavioral-objective shares carry the mixture fit's own bootstrap replicates, 200 per run).</summary>
    [Range(20, 10000)]
    public int Replicates { get; init; } = 200;

    /// <summary>Resources each Slurm array task asks for (with `--executor slurm`).</summary>
    public SlurmSettings Slurm { get; init; } = new();
}

/// <summary>One training procedure of a study: the experiment with some changes.</summary>
public sealed record ProcedureSettings
{
    /// <summary>Unique in the study; letters, digits, '.', '-' and '_' (it names the procedure's jobs and runs).</summary>
    public string Name { get; init; } = "";

    /// <summary>What the procedure changes, in words, for the report.</summary>
    public string? Description { get; init; }

    /// <summary>Another procedure whose changes this one starts from.</summary>
    public string? Extends { get; init; }

    /// <summary>The procedure's position on the study's axis.</summary>
    public double? Value { get; init; }

    /// <summary>The changes to the experiment: a mapping of configuration fields (nested, or dotted paths such as ppo.total_steps).</summary>
    public ConfigNode? Set { get; init; }
}

/// <summary>What each Slurm array task of a study asks for.</summary>
public sealed record SlurmSettings
{
    /// <summary>The partition (queue) to submit to (null: the cluster's default).</summary>
    public string? Partition { get; init; }

    /// <summary>Time limit of one task (Slurm's forms: minutes, HH:MM:SS, D-HH:MM:SS); a task runs one job.</summary>
    public string Time { get; init; } = "04:00:00";

    /// <summary>CPUs per task (0: the experiment's threads).</summary>
    [Range(0, 4096)]
    public int CpusPerTask { get; init; }

    /// <summary>Memory per task, as Slurm writes it (e.g. 4G, 500M).</summary>
    public string Memory { get; init; } = "4G";
}
