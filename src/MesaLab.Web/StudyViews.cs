namespace MesaLab.Web;

using MesaLab.Core;
using MesaLab.Experiments;
using MesaLab.Reports;
using MesaLab.Store;

/// <summary>Studies as the dashboard shows them: the list with job counts by state, and one study's report data (per-seed figures, estimates, variance, jobs).</summary>
public sealed class StudyViews(IRunStore store)
{
    private readonly BoundedCache<StudyReportData> reports = new(16);

    public IReadOnlyList<object> List() =>
    [
        .. store.ListStudies().Select(s =>
        {
            var status = StudyStatus.Of(store, s.Name);
            return (object)new { name = s.Name, created = s.Created, jobs = s.Jobs, by_state = status.ByState, complete = status.Complete, world = World(s) };
        }),
    ];

    private static string? World(StudyRecord s)
    {
        try
        {
            return ExperimentConfig.ParseStored(s.Spec, $"the spec stored with study {s.Name}").World.Name;
        }
        catch (UserError)
        {
            return null;
        }
    }

    /// <summary>
    /// The study's report data, recomputed when a job's state or run changes (the bootstrap is seeded, so the same jobs
    /// give the same numbers), with every job's status.
    /// </summary>
    public object Detail(string name)
    {
        if (store.FindStudy(name) is not { } study) throw new NotFound($"no study named '{name}' in the store.");
        var status = StudyStatus.Of(store, study.Name);
        string key = study.Name + ":" + string.Join(',', status.JobStates.Select(j => $"{j.Job}={j.State}/{j.RunId}/{j.Stage}"));
        var data = reports.Get(key, () => StudyReportJob.Data(store, study.Name));
        return new { study = data, status, axis_curve = AxisCurve(data) };
    }

    /// <summary>
    /// For a study with an axis (one procedure per axis value): each figure's seed mean with its 95 % interval at each
    /// procedure's value, in increasing order of the value; null for a study without an axis. Procedures without a value
    /// are left out.
    /// </summary>
    public static object? AxisCurve(StudyReportData data)
    {
        if (data.Axis is null) return null;
        var procedures = data.Procedures.Where(p => p.Value is not null).OrderBy(p => p.Value).ToList();
        if (procedures.Count == 0) return null;
        return new
        {
            axis = data.Axis,
            percent = data.Percent,
            figures = data.Figures.Select(f => new
            {
                key = f.Key,
                label = f.Label,
                kind = f.Kind,
                points = procedures.Select(p => new
                {
                    procedure = p.Name,
                    value = p.Value!.Value,
                    mean = f.Procedures.FirstOrDefault(x => x.Procedure == p.Name)?.Mean ?? Estimate.NotAvailable,
                    seeds = f.Procedures.FirstOrDefault(x => x.Procedure == p.Name)?.Seeds.Count ?? 0,
                }),
            }),
        };
    }
}
