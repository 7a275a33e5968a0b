namespace MesaLab.Web.Tests;

using MesaLab.Experiments;
using MesaLab.Store;
using MesaLab.Worlds;

/// <summary>
/// A real run store for the dashboard tests, written here (the dashboard only reads): a tiny study of two procedures ×
/// two seeds along an axis (the training budget; the procedures listed out of the axis's order), trained, evaluated and analysed by its worker (so its runs have metrics, checkpoints, stored evaluations
/// and study figures), and a recorded run whose agent is a scripted arrow-seeker, so that what its analysis must say is
/// known: on deploy, where the arrow is away from the exit, it reaches the arrow — objective misgeneralized, behavioral
/// objective arrow.
/// </summary>
public sealed class DashboardStore : IDisposable
{
    public const string StudyName = "tiny-study";

    public const string TinyYaml = """
        world: green-arrow-maze
        seed: 5
        threads: 1
        world_parameters: { min_size: 3, max_size: 4, max_steps: 12 }
        ppo: { num_envs: 8, num_steps: 12, total_steps: 480, minibatches: 2, epochs: 2, learning_rate: 0.003, gamma: 0.9 }
        network: { channels: 8, iterations: 4, hidden: 32 }
        training: { held_out_levels: 20, checkpoint_seconds: 1000 }
        evaluation: { episodes: 16 }
        """;

    private const string StudyYaml = TinyYaml + """

        name: tiny-study
        study:
          seeds: [1, 2]
          replicates: 50
          axis: training steps
          procedures:
            - name: double
              description: twice the budget
              value: 960
              set: { ppo.total_steps: 960 }
            - name: plain
              description: the tiny budget
              value: 480
        """;

    private const string ArrowYaml = """
        name: arrow-seeker
        world: green-arrow-maze
        seed: 11
        evaluation: { episodes: 30 }
        """;

    public DashboardStore()
    {
        Workspace = Directory.CreateTempSubdirectory("mesalab-dashboard-").FullName;
        Writer = RunStores.Open(Workspace);
        StudyJob.Prepare(Writer, ExperimentConfig.Parse(StudyYaml, "tiny-study.yaml"));
        StudyWorker.Run(Writer, StudyName, new StudyWorkerOptions(Retries: 0), SilentNarrator.Instance);
        StudyRun = Writer.StudyJobs(StudyName).First(j => j.Job == "plain/seed-1").RunId!;
        ArrowRun = RecordArrowSeeker(Writer);
    }

    public string Workspace { get; }

    /// <summary>The store as a training process sees it (read-write); the dashboard gets its own read-only store.</summary>
    public IRunStore Writer { get; }

    /// <summary>A trained and analysed run of the study (procedure plain, seed 1).</summary>
    public string StudyRun { get; }

    /// <summary>The scripted arrow-seeker's run, with evaluations of train and deploy.</summary>
    public string ArrowRun { get; }

    public IRunStore OpenReadOnly() => RunStores.OpenReadOnly(Workspace);

    /// <summary>Records the scripted arrow-seeker's run (metrics and evaluations of train and deploy) into <paramref name="writer"/>.</summary>
    public static string RecordArrowSeeker(IRunStore writer)
    {
        var config = ExperimentConfig.Parse(ArrowYaml, "arrow-seeker.yaml");
        var run = writer.CreateRun(new NewRun(config.Name, "evaluate", config.World.Name, config.ToYaml(), config.Seed));
        var settings = config.Section<EvaluationSettings>();
        foreach (var split in new[] { config.TrainSplit, config.DeploySplit })
        {
            var agent = AgentSpec.Parse("shortest-path:arrow", 0, settings.Seed, config.World);
            var records = EvaluateJob.Deploy(split, agent, settings, SilentNarrator.Instance);
            StoredEvaluations.Save(writer, run.Id, split, agent.Name, settings.Seed, records);
        }
        writer.AddMetrics(run.Id, [new MetricPoint(1, 100, "episodic_return", 0.25), new MetricPoint(2, 200, "episodic_return", 0.5)]);
        writer.UpdateRun(run.Id, RunStatus.Completed, 1);
        return run.Id;
    }

    /// <summary>A new run held by this process, as a training process would create it.</summary>
    public RunRecord NewRunningRun(string name) =>
        Writer.CreateRun(new NewRun(name, "train", "green-arrow-maze", TinyYaml, 5), RunHolder.ThisProcess());

    public void Dispose()
    {
        Writer.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Workspace, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardStore>
{
    public const string Name = "dashboard store";
}
