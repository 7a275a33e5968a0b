namespace MesaLab.Web;

using MesaLab.Reports;
using MesaLab.Store;
using MesaLab.Worlds;
using MesaLab.Worlds.Recording;
using MesaLab.Worlds.Rendering;

/// <summary>
/// Stored episodes for the episode player: the recorded trajectory (cells, moves, events) and the level picture at every
/// step, drawn by the one <see cref="LevelRenderer"/> from the level regenerated from the record and re-stepped
/// (<see cref="Replay.LiveObjects"/>), so moving things and consumed objects show as they were.
/// </summary>
public sealed class EpisodeViews(IRunStore store)
{
    /// <summary>Pixels per cell of the player's pictures.</summary>
    public const int CellSize = 24;

    private readonly BoundedCache<Replayed> replays = new(16);
    private readonly LevelRenderer renderer = new(CellSize);

    private sealed record Replayed(EvaluationRecord Evaluation, StoredEpisode Stored, EpisodeRecord Record, Level Level, CellObject[][] Objects);

    public EvaluationRecord Evaluation(long id)
    {
        try
        {
            return store.GetEvaluation(id);
        }
        catch (UserError)
        {
            throw new NotFound($"no evaluation with id {id} in the store.");
        }
    }

    /// <summary>An evaluation with one row per episode.</summary>
    public object EvaluationDetail(long id)
    {
        var e = Evaluation(id);
        return new
        {
            evaluation = RunViews.Evaluation(e),
            episodes = store.Episodes(id).Select(x => new
            {
                index = x.Index,
                level_index = x.LevelIndex,
                @return = x.Return,
                length = x.Length,
                terminated = x.Terminated,
                truncated = x.Truncated,
            }),
        };
    }

    private Replayed Replay(long evaluationId, int index) => replays.Get($"{evaluationId}:{index}", () =>
    {
        var evaluation = Evaluation(evaluationId);
        var stored = store.Episodes(evaluationId).FirstOrDefault(x => x.Index == index)
                     ?? throw new NotFound($"evaluation {evaluationId} has no episode {index} (it has {evaluation.EpisodeCount}, numbered from 0).");
        var record = EpisodeRecord.Decode(stored.Trajectory, $"trajectory record of episode {index} of evaluation {evaluationId}");
        var split = Worlds.Recording.Replay.SplitOf(record);
        var objects = Worlds.Recording.Replay.LiveObjects(record, split);
        return new Replayed(evaluation, stored, record, Worlds.Recording.Replay.LevelOf(record, split), objects);
    });

    /// <summary>The episode as the player steps it: level size, the agent's cell before the first step and after each, moves and events.</summary>
    public object Episode(long evaluationId, int index)
    {
        var r = Replay(evaluationId, index);
        var rec = r.Record;
        var cells = new int[rec.Length + 1];
        for (int t = 0; t <= rec.Length; t++) cells[t] = rec.CellBefore(t);
        return new
        {
            evaluation_id = evaluationId,
            run_id = r.Evaluation.RunId,
            index,
            world = rec.World,
            split = rec.Split,
            agent = rec.Agent,
            level_index = rec.LevelIndex,
            width = r.Level.Width,
            height = r.Level.Height,
            cell_size = CellSize,
            frames = rec.Length + 1,
            cells = cells.Select(c => new[] { r.Level.X(c), r.Level.Y(c) }),
            actions = rec.Actions.Select(a => a.ToString().ToLowerInvariant()),
            events = rec.Events.Select(e => e == StepEvents.None ? "" : e.ToString()),
            @return = rec.Return,
            length = rec.Length,
            terminated = rec.Terminated,
            truncated = rec.Truncated,
        };
    }

    /// <summary>The level picture before step <paramref name="step"/>'s move (0: the start; the episode's length: after the last move), as PNG.</summary>
    public byte[] Frame(long evaluationId, int index, int step)
    {
        var r = Replay(evaluationId, index);
        if (step < 0 || step > r.Record.Length)
            throw new NotFound($"episode {index} of evaluation {evaluationId} has frames 0 to {r.Record.Length}; there is no frame {step}.");
        var path = new int[step + 1];
        for (int t = 0; t <= step; t++) path[t] = r.Record.CellBefore(t);
        return PngEncoder.Encode(renderer.Render(r.Level, r.Objects[step], path[^1], path));
    }
}
