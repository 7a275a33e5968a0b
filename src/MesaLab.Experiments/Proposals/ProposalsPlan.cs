namespace MesaLab.Experiments;

using System.Globalization;

/// <summary>One proposal of a planned comparison: the catalogue entry and its procedure's changes as written.</summary>
public sealed record PlannedProposal(Proposal Proposal, string Set);

/// <summary>
/// A proposals file expanded into a study: the proposals it includes (the baseline first), the disambiguating split
/// the randomized and regret-replay proposals train on, and the study (each proposal a procedure, every seed a job),
/// checked before anything is stored.
/// </summary>
public sealed class ProposalsPlan
{
    private ProposalsPlan(ProposalsSettings settings, IReadOnlyList<PlannedProposal> proposals, ExperimentConfig studyConfig, StudyPlan study)
    {
        Settings = settings;
        Proposals = proposals;
        StudyConfig = studyConfig;
        Study = study;
    }

    public ProposalsSettings Settings { get; }
    public IReadOnlyList<PlannedProposal> Proposals { get; }

    /// <summary>The experiment with the study section the proposals make (what <see cref="StudyJob.Prepare"/> stores).</summary>
    public ExperimentConfig StudyConfig { get; }

    public StudyPlan Study { get; }

    /// <summary>Every catalogue proposal that cannot run on this experiment's world, with the sentence saying why.</summary>
    public IReadOnlyList<(string Name, string Reason)> Refused =>
        [.. ProposalCatalog.All.Select(p => (p.Name, Reason: ProposalCatalog.Refusal(p, StudyConfig))).Where(x => x.Reason is not null).Select(x => (x.Name, x.Reason!))];

    public static ProposalsPlan Of(ExperimentConfig config)
    {
        if (config.RawSection("study") is { IsNull: false } study)
            throw new UserError($"{study.Location}: a proposals file has no study: section; the proposals: section makes the study (list proposals.include and proposals.seeds instead).");
        var settings = config.Section<ProposalsSettings>();
        var raw = config.RawSection("proposals");
        var includeNode = raw?["include"];
        var names = new List<Proposal> { ProposalCatalog.Baseline };
        for (int i = 0; i < settings.Include.Count; i++)
        {
            string at = includeNode?.Items.ElementAtOrDefault(i)?.Location.ToString() ?? includeNode?.Location.ToString() ?? config.Source;
            var p = ProposalCatalog.Find(settings.Include[i])
                    ?? throw new UserError($"{at}: proposals.include[{i}] is '{settings.Include[i]}', but the proposals are {string.Join(", ", ProposalCatalog.All.Select(x => x.Name))}.");
            if (names.Contains(p) && p != ProposalCatalog.Baseline)
                throw new UserError($"{at}: proposals.include[{i}] lists '{p.Name}' twice; each proposal is one procedure.");
            if (!names.Contains(p)) names.Add(p);
        }
        var seedsNode = raw?["seeds"];
        if (settings.Seeds.Count == 0)
            throw new UserError($"{seedsNode?.Location.ToString() ?? config.Source}: proposals.seeds is empty; give the seeds every proposal is trained with, e.g. seeds: [1, 2, 3, 4, 5].");
        string train = config.TrainSplitName;
        bool needsSplit = names.Any(p => p.Set.Contains(ProposalCatalog.DisambiguatingSplit, StringComparison.Ordinal));
        if (names.Select(p => ProposalCatalog.Refusal(p, config)).FirstOrDefault(r => r is not null) is { } refusal)
            throw new UserError($"{includeNode?.Location.ToString() ?? config.Source}: {refusal.TrimEnd('.')}; leave it out of proposals.include for this world (`mesalab proposals --dry-run` lists which proposals run on it).");

        string fraction = settings.DisambiguatingFraction.ToString("R", CultureInfo.InvariantCulture);
        var intended = config.World.IntendedObjective(config.TrainSplit);
        var planned = names.Select(p => new PlannedProposal(p, p.SetFor(intended).Replace("{fraction}", fraction).Replace("{train}", train))).ToList();
        var yaml = new System.Text.StringBuilder();
        if (config.RawSection("name") is null || config.RawSection("name")!.IsNull) yaml.AppendLine($"name: proposals-{config.World.Name}");
        if (needsSplit)
        {
            yaml.AppendLine("splits:");
            yaml.AppendLine($"  {ProposalCatalog.DisambiguatingSplit}:");
            yaml.AppendLine($"    base: {train}");
            yaml.AppendLine($"    description: the training levels with the proxy moved off the goal on {fraction} of them");
            yaml.AppendLine($"    randomized_fraction: {fraction}");
        }
        yaml.AppendLine("study:");
        yaml.AppendLine($"  seeds: [{string.Join(", ", settings.Seeds.Select(s => s.ToString(CultureInfo.InvariantCulture)))}]");
        yaml.AppendLine("  procedures:");
        foreach (var p in planned)
            yaml.AppendLine($"    - {{ name: {p.Proposal.Name}, description: \"{p.Proposal.Title.Replace("\"", "'")}\", set: {p.Set} }}");
        var overlay = ConfigYaml.Parse(yaml.ToString(), "the proposals catalogue");
        var studyConfig = config;
        foreach (var e in overlay.Entries)
        {
            if (e.Key == "splits")
            {
                foreach (var s in e.Value.Entries)
                    studyConfig = studyConfig.With(ConfigNode.Mapping([new ConfigEntry($"splits.{s.Key}", s.KeyLocation, s.Value)], e.Value.Location));
            }
            else studyConfig = studyConfig.With(ConfigNode.Mapping([e], overlay.Location));
        }
        return new ProposalsPlan(settings, planned, studyConfig, StudyPlan.Of(studyConfig));
    }
}
