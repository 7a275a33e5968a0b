namespace MesaLab.Worlds.Recording;

using System.Globalization;

/// <summary>
/// Regenerates the level of an <see cref="EpisodeRecord"/> from (world, split, level seed, level index) and
/// re-steps its actions, checking that positions, events and the episode end match what was recorded.
/// </summary>
public static class Replay
{
    /// <summary>The split a record was played on: its fingerprint's values when present, else the built-in split of that name.</summary>
    public static Split SplitOf(EpisodeRecord record, string where = "trajectory record")
    {
        var world = WorldCatalog.Get(record.World);
        if (string.IsNullOrEmpty(record.SplitFingerprint)) return world.Split(record.Split, null, where);
        var values = new Dictionary<string, object>();
        foreach (var part in record.SplitFingerprint.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new UserError($"{where}: split fingerprint '{record.SplitFingerprint}' is not a list of name=value pairs.");
            values[part[..eq]] = part[(eq + 1)..];
        }
        return world.DefineSplit(record.Split, "recorded split", values, null, where);
    }

    /// <summary>The level the record was played on, regenerated.</summary>
    public static Level LevelOf(EpisodeRecord record, Split? split = null)
    {
        split ??= SplitOf(record);
        var level = split.World.CreateGenerator(split).Generate(record.LevelSeed, record.LevelIndex);
        if (record.LevelWidth > 0 && (level.Width != record.LevelWidth || level.Height != record.LevelHeight))
            throw new UserError($"trajectory record of level {record.LevelIndex} was played on a {record.LevelWidth}×{record.LevelHeight} level, but the world now generates {level.Width}×{level.Height}; the world's generator changed since it was recorded.");
        return level;
    }

    /// <summary>
    /// Re-steps the record on its regenerated level. Returns the level; throws <see cref="UserError"/> naming the
    /// first step whose position or events differ (the world's rules or generator changed since recording).
    /// </summary>
    public static Level Verify(EpisodeRecord record, Split? split = null) => Restep(record, split, null);

    /// <summary>
    /// The live objects before the first step (index 0) and after each step of the record, by re-stepping it (as
    /// <see cref="Verify"/>, which it also does). Analysis needs this where objects move or change by rules it should
    /// not re-implement: the partner, monsters, beacon markers, consumed keys, chests, apples and shields.
    /// </summary>
    public static CellObject[][] LiveObjects(EpisodeRecord record, Split? split = null)
    {
        var objects = new List<CellObject[]>(record.Length + 1);
        Restep(record, split, objects);
        return [.. objects];
    }

    private static Level Restep(EpisodeRecord record, Split? split, List<CellObject[]>? objects)
    {
        split ??= SplitOf(record);
        var generator = split.World.CreateGenerator(split);
        var level = LevelOf(record, split);
        if (level.Start != record.Start)
            throw new UserError($"trajectory record of level {record.LevelIndex} starts on cell {record.Start}, but the regenerated level starts on cell {level.Start}.");
        var batch = new WorldBatch(generator, 1, record.LevelSeed, new BatchOptions { AutoReset = false });
        batch.ResetInstance(0, level, Span<float>.Empty);
        objects?.Add(batch.LiveObjects(0).ToArray());
        Span<Move> move = stackalloc Move[1];
        for (int t = 0; t < record.Length; t++)
        {
            if (batch.Terminated[0] || batch.Truncated[0])
                throw new UserError($"trajectory record of level {record.LevelIndex} goes on after the episode ended at step {t}.");
            move[0] = record.Actions[t];
            batch.Step(move, Span<float>.Empty);
            objects?.Add(batch.LiveObjects(0).ToArray());
            if (batch.AgentCell[0] != record.Positions[t] || batch.Events[0] != record.Events[t])
                throw new UserError(string.Create(CultureInfo.InvariantCulture,
                    $"trajectory record of level {record.LevelIndex} does not replay: at step {t + 1} it recorded cell {record.Positions[t]} ({record.Events[t]}) but the world gives cell {batch.AgentCell[0]} ({batch.Events[0]})."));
        }
        bool ended = record.Length > 0 && (batch.Terminated[0] || batch.Truncated[0]);
        if (record.Length > 0 && (batch.Terminated[0] != record.Terminated || batch.Truncated[0] != record.Truncated) && (ended || record.Terminated || record.Truncated))
            throw new UserError($"trajectory record of level {record.LevelIndex} does not replay: its end (terminated {record.Terminated}, truncated {record.Truncated}) differs from the world's.");
        return level;
    }
}
