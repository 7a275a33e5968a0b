namespace MesaLab.Experiments;

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MesaLab.Store;

/// <summary>One procedure of a planned study: its name, description, axis value and experiment.</summary>
public sealed record StudyProcedure(string Name, string? Description, double? Value, ExperimentConfig Config);

/// <summary>One job of a planned study: a procedure trained with one seed.</summary>
public sealed record StudyJobPlan(string Job, string Procedure, long Seed, ExperimentConfig Config);

/// <summary>
/// A study file expanded and checked: every procedure's experiment (the file's experiment with the procedure's
/// changes) and every job (procedure × seed) built and validated before anything is stored, so a bad procedure is
/// one sentence naming its file and line. Its spec (the file's experiment and study, without how it is executed)
/// and the spec's hash identify the study in the store.
/// </summary>
public sealed partial class StudyPlan
{
    /// <summary>The sections a job's stored configuration writes in full (training and evaluation).</summary>
    public static readonly IReadOnlyList<string> JobSections = [.. TrainJob.Sections, "evaluation"];

    /// <summary>Study fields that say how a study is executed, not what it computes: left out of its spec hash.</summary>
    private static readonly string[] ExecutionFields = ["retries", "slurm"];

    private StudyPlan(string name, StudySettings settings, IReadOnlyList<StudyProcedure> procedures, IReadOnlyList<StudyJobPlan> jobs, string spec)
    {
        Name = name;
        Settings = settings;
        Procedures = procedures;
        Jobs = jobs;
        Spec = spec;
        SpecHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(spec)));
    }

    /// <summary>The study's name (the experiment's <c>name</c>): unique in the store.</summary>
    public string Name { get; }

    public StudySettings Settings { get; }
    public IReadOnlyList<StudyProcedure> Procedures { get; }

    /// <summary>Jobs in the order workers take them: every procedure with the first seed, then with the second, …</summary>
    public IReadOnlyList<StudyJobPlan> Jobs { get; }

    /// <summary>The study's specification as stored (YAML): the experiment and the study section, without the execution fields.</summary>
    public string Spec { get; }

    public string SpecHash { get; }

    /// <summary>The name of the job of <paramref name="procedure"/> with <paramref name="seed"/>.</summary>
    public static string JobName(string procedure, long seed) => $"{procedure}/seed-{seed.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>What the store keeps of the plan.</summary>
    public NewStudy ToNewStudy() => new(Name, Spec, SpecHash,
        [.. Jobs.Select(j => new NewStudyJob(j.Job, j.Procedure, j.Seed, j.Config.ToYaml(JobSections)))]);

    /// <summary>Expands and checks the study of an experiment file (one with a <c>study:</c> section).</summary>
    public static StudyPlan Of(ExperimentConfig config)
    {
        var raw = config.RawSection("study");
        if (raw is null || raw.IsNull)
            throw new UserError($"{config.Source} has no study: section; a study lists its procedures and seeds (configs/homogeneity.yaml has an example).");
        var settings = config.Section<StudySettings>();
        string name = config.Name;
        if (!SafeName().IsMatch(name))
            throw new UserError($"{config.Root.Entry("name")?.Value.Location.ToString() ?? config.Source}: the study's name '{name}' must be letters, digits, '.', '-' and '_' (it names files and Slurm jobs).");

        var seedsNode = raw["seeds"];
        string seedsAt = seedsNode?.Location.ToString() ?? raw.Location.ToString();
        if (settings.Seeds.Count == 0)
            throw new UserError($"{seedsAt}: study.seeds is empty; give the seeds every procedure is trained with, e.g. seeds: [1, 2, 3].");
        for (int i = 0; i < settings.Seeds.Count; i++)
        {
            if (settings.Seeds[i] < 0) throw new UserError($"{seedsNode!.Items[i].Location}: study.seeds[{i}] is '{settings.Seeds[i]}', but a seed is a whole number, 0 or more.");
            int first = settings.Seeds.ToList().IndexOf(settings.Seeds[i]);
            if (first < i) throw new UserError($"{seedsNode!.Items[i].Location}: study.seeds[{i}] repeats seed {settings.Seeds[i]}; each seed is one run per procedure.");
        }

        var procedureNodes = raw["procedures"];
        if (settings.Procedures.Count == 0)
            throw new UserError($"{procedureNodes?.Location.ToString() ?? raw.Location.ToString()}: study.procedures is empty; list the training procedures, e.g. procedures: [{{ name: plain }}, {{ name: randomized, set: {{ train_split: train-randomized-2pct }} }}].");
        var names = new List<string>();
        for (int i = 0; i < settings.Procedures.Count; i++)
        {
            var p = settings.Procedures[i];
            var at = procedureNodes!.Items[i]["name"]?.Location ?? procedureNodes.Items[i].Location;
            if (p.Name.Length == 0) throw new UserError($"{at}: study.procedures[{i}].name is missing; every procedure has a name.");
            if (!ProcedureName().IsMatch(p.Name))
                throw new UserError($"{at}: study.procedures[{i}].name '{p.Name}' must be letters, digits, '.', '-' and '_' (it names the procedure's jobs and runs).");
            int same = names.IndexOf(p.Name);
            if (same >= 0) throw new UserError($"{at}: study.procedures[{i}].name '{p.Name}' is also the name of procedures[{same}]; procedure names must be unique.");
            names.Add(p.Name);
        }
        for (int i = 0; i < settings.Procedures.Count; i++)
        {
            var p = settings.Procedures[i];
            if (p.Extends is { } e && !names.Contains(e))
                throw new UserError($"{procedureNodes!.Items[i]["extends"]!.Location}: study.procedures[{i}].extends is '{e}', but the procedures are {string.Join(", ", names)}.");
            if (settings.Axis is not null && p.Value is null)
                throw new UserError($"{procedureNodes!.Items[i].Location}: study.procedures[{i}] ('{p.Name}') has no value, but the study has an axis ({settings.Axis}); give each procedure its value on it.");
            if (p.Set is { Kind: ConfigNodeKind.Mapping } set)
                foreach (var entry in set.Entries)
                {
                    string head = entry.Key.Split('.')[0];
                    if (head is "seed" or "study" or "name")
                        throw new UserError($"{entry.KeyLocation}: study.procedures[{i}].set.{entry.Key}: a procedure cannot change '{head}' ({(head == "seed" ? "the seeds come from study.seeds" : head == "name" ? "its runs are named after the study and procedure" : "a study does not nest")}).");
                }
        }

        var experiment = config.Without("study");
        var procedures = new List<StudyProcedure>();
        foreach (var p in settings.Procedures)
        {
            var procedureConfig = experiment;
            foreach (var layer in Chain(settings, p, procedureNodes!))
                procedureConfig = procedureConfig.With(layer);
            procedures.Add(new StudyProcedure(p.Name, p.Description, p.Value, procedureConfig));
        }

        var jobs = new List<StudyJobPlan>();
        foreach (long seed in settings.Seeds)
            foreach (var p in procedures)
            {
                string seedText = seed.ToString(CultureInfo.InvariantCulture);
                var jobConfig = p.Config.With([
                    ConfigOverride.Option("seed", seedText, "study.seeds"),
                    ConfigOverride.Option("name", $"{name}-{p.Name}-seed{seedText}", "the study's run name"),
                ]);
                foreach (var section in JobSections) jobConfig.Section(section, jobConfig.Sections[section]);
                jobs.Add(new StudyJobPlan(JobName(p.Name, seed), p.Name, seed, jobConfig));
            }

        var specRoot = config.Root;
        var studyNode = ConfigNode.Mapping(raw.Entries.Where(e => !ExecutionFields.Contains(e.Key)), raw.Location);
        specRoot = ConfigNode.Mapping(specRoot.Entries.Select(e => e.Key == "study" ? e with { Value = studyNode } : e), specRoot.Location);
        return new StudyPlan(name, settings, procedures, jobs, ConfigYaml.Write(specRoot));
    }

    /// <summary>The changes of a procedure, the procedure it extends first (a cycle is an error).</summary>
    private static List<ConfigNode> Chain(StudySettings settings, ProcedureSettings p, ConfigNode procedureNodes)
    {
        var layers = new List<ConfigNode>();
        var seen = new List<string>();
        for (var at = p; at is not null; at = at.Extends is { } e ? settings.Procedures.First(x => x.Name == e) : null)
        {
            if (seen.Contains(at.Name))
            {
                int i = settings.Procedures.ToList().IndexOf(p);
                throw new UserError($"{procedureNodes.Items[i]["extends"]!.Location}: study.procedures[{i}] ('{p.Name}') extends itself ({string.Join(" → ", seen.Append(at.Name))}).");
            }
            seen.Add(at.Name);
            if (at.Set is not null) layers.Insert(0, at.Set);
        }
        return layers;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SafeName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex ProcedureName();
}
