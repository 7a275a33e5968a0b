namespace MesaLab.Experiments;

using System.Text.Json;
using MesaLab.Analysis;
using MesaLab.Reports;
using MesaLab.Store;

/// <summary>What building a study's report produced.</summary>
public sealed record StudyReportResult(string Study, string ReportPath, StudyReportData Data);

/// <summary>
/// The report of a stored study: reads its jobs and the figures each completed run stored, estimates every figure per
/// procedure over seeds with the hierarchical bootstrap, decomposes its variance into between- and within-procedure
/// parts, and writes <c>study.html</c>. Needs no network: everything comes from the store.
/// </summary>
public static class StudyReportJob
{
    public static StudyReportResult Run(IRunStore store, string study, string outDirectory, INarrator narrator)
    {
        string path = Path.Combine(outDirectory, StudyReport.FileName);
        OutputPaths.CheckWritable(path, "--out");
        var data = Data(store, study);
        narrator.Log($"writing {Path.GetFullPath(path)}");
        return new StudyReportResult(study, StudyReport.Write(data, outDirectory), data);
    }

    /// <summary>The report's data, from the store.</summary>
    public static StudyReportData Data(IRunStore store, string study, int replicates = HierarchicalBootstrap.DefaultReplicates)
    {
        var record = StudyJob.Find(store, study);
        var spec = ExperimentConfig.ParseStored(record.Spec, $"the spec stored with study {study}");
        var settings = spec.Section<StudySettings>();
        var status = StudyStatus.Of(store, study);
        var documents = new Dictionary<string, StudyRunDocument>();
        foreach (var j in status.JobStates.Where(j => j.State == "completed" && j.RunId is not null))
            if (store.Results(j.RunId, kind: ResultKinds.StudyRun).LastOrDefault() is { } r)
                documents[j.Job] = JsonSerializer.Deserialize<StudyRunDocument>(r.Json, MesaLabJson.Compact)!;

        var keys = new List<string>([.. StudyFigures.OutcomeShares, StudyFigures.ObjectiveRobustness]);
        foreach (var doc in documents.Values)
            foreach (var f in doc.Figures)
                if (!keys.Contains(f.Key)) keys.Add(f.Key);
        var figures = new List<StudyFigureData>();
        foreach (var key in keys)
        {
            var groups = new List<IReadOnlyList<SeedFigure>>();
            var perProcedure = new List<ProcedureFigure>();
            foreach (var p in settings.Procedures)
            {
                var seeds = status.JobStates.Where(j => j.Procedure == p.Name && documents.ContainsKey(j.Job))
                    .Select(j => (Job: j, Figure: documents[j.Job].Figure(key))).Where(x => x.Figure is not null).ToList();
                var seedFigures = seeds.Select(s => s.Figure!.ToSeedFigure()).ToList();
                if (seedFigures.Count > 0) groups.Add(seedFigures);
                perProcedure.Add(new ProcedureFigure(p.Name, [.. seeds.Select(s => new SeedValue(s.Job.Seed, s.Job.RunId!, s.Figure!.Value))],
                    HierarchicalBootstrap.Mean(seedFigures, replicates, Rng.Hash($"{study}/{key}/{p.Name}"))));
            }
            if (perProcedure.All(p => p.Seeds.Count == 0) && !StudyFigures.OutcomeShares.Contains(key)) continue;
            var variance = VarianceDecomposition.Of(groups, replicates, Rng.Hash($"{study}/{key}/variance"));
            var kind = StudyFigures.OutcomeShares.Contains(key) ? StudyFigureKind.OutcomeShare
                : key == StudyFigures.ObjectiveRobustness ? StudyFigureKind.ObjectiveRobustness
                : ProposalFigures.Keys.Contains(key) ? StudyFigureKind.ProposalAxis : StudyFigureKind.BehavioralObjective;
            figures.Add(new StudyFigureData(key, StudyFigures.Label(key), kind, perProcedure,
                variance.Icc.IsAvailable || variance.Within.IsAvailable
                    ? new VarianceSummary(variance.GrandMean, variance.Between, variance.Within, variance.Icc, variance.Procedures, variance.Runs)
                    : null));
        }

        return new StudyReportData
        {
            Name = study,
            World = spec.World.Name,
            Store = store.Location,
            BaseObjective = documents.Values.FirstOrDefault()?.BaseObjective ?? spec.World.BaseObjective(spec.TrainSplit).Name,
            Axis = settings.Axis,
            Percent = settings.Percent,
            Procedures = [.. settings.Procedures.Select(p => new StudyProcedureRow(p.Name, p.Description, p.Value,
                status.JobStates.Count(j => j.Procedure == p.Name), status.JobStates.Count(j => j.Procedure == p.Name && documents.ContainsKey(j.Job))))],
            Figures = figures,
            Jobs = [.. status.JobStates.Select(j => new StudyJobRow(j.Job, j.Procedure, j.Seed, j.State, j.RunId, j.Attempts, j.TrainSeconds,
                j.EvaluateSeconds, j.AnalyseSeconds, j.Seconds, j.OverheadSeconds, j.Error))],
            EpisodeReplicates = settings.Replicates,
            Replicates = replicates,
            Spec = record.Spec,
            Proposals = spec.RawSection("proposals") is { IsNull: false } ? Proposals(settings, status, documents, replicates, study) : null,
        };
    }

    /// <summary>The four axes of every proposal of a proposals study (its procedures are catalogue proposals; the baseline's runs set the scale).</summary>
    private static ProposalComparisonData Proposals(StudySettings settings, StudyStatusResult status, Dictionary<string, StudyRunDocument> documents,
        int replicates, string study)
    {
        SeedFigure Of(StudyRunDocument d, string key) => d.Figure(key)?.ToSeedFigure() ?? new SeedFigure(double.NaN, []);
        double Exact(StudyRunDocument d, string key) => d.Figure(key)?.Value ?? double.NaN;
        var runs = new List<(string Proposal, IReadOnlyList<ProposalRunFigures> Runs)>();
        foreach (var p in settings.Procedures)
        {
            var docs = status.JobStates.Where(j => j.Procedure == p.Name && documents.ContainsKey(j.Job)).Select(j => documents[j.Job]).ToList();
            runs.Add((p.Name, [.. docs.Select(d => new ProposalRunFigures(Of(d, ProposalFigures.OuterAlignment), Of(d, ProposalFigures.InnerAlignment),
                Of(d, StudyFigures.ObjectiveGeneralized), Exact(d, ProposalFigures.StepsToCompetence), Exact(d, ProposalFigures.SecondsToCompetence),
                Exact(d, ProposalFigures.QueriesToCompetence), Exact(d, ProposalFigures.CompetenceReached) == 1))]));
        }
        string baseline = ProposalCatalog.Baseline.Name;
        var axes = ProposalAxes.Of(runs, baseline, replicates, Rng.Hash(study));
        var baseRuns = runs.FirstOrDefault(r => r.Proposal == baseline).Runs ?? [];
        double baseSteps = baseRuns.Select(r => r.StepsToCompetence).DefaultIfEmpty(double.NaN).Average();
        double baseCompetent = baseRuns.Select(r => r.IntendedCompetent.Value).DefaultIfEmpty(double.NaN).Average();
        var rows = new List<ProposalRow>();
        for (int i = 0; i < runs.Count; i++)
        {
            var (name, figures) = runs[i];
            var a = axes[i];
            var proposal = ProposalCatalog.Find(name);
            rows.Add(new ProposalRow(name, proposal?.Title ?? name, proposal?.Procedure ?? "", proposal?.Keeps ?? "", proposal?.Loses ?? "", proposal?.Overseer,
                a.Seeds, a.SeedsCompetent, a.Outer, a.Inner, a.Training, a.Performance, a.StepsToCompetence, a.SecondsToCompetence, a.QueriesToCompetence,
                a.IntendedCompetent,
                [.. figures.Select(f => f.OuterAlignment.Value)], [.. figures.Select(f => f.InnerAlignment.Value)],
                [.. figures.Select(f => baseSteps / f.StepsToCompetence)], [.. figures.Select(f => f.IntendedCompetent.Value / baseCompetent)]));
        }
        return new ProposalComparisonData(baseline, [.. ProposalAxisDefinitions.All.Select(x => new AxisDefinition(x.Axis, x.Measures))], rows);
    }
}
