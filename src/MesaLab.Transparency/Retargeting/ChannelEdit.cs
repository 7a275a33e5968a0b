namespace MesaLab.Transparency;

/// <summary>
/// Retargeting by editing the channels that track the goal (<see cref="ChannelLocalization"/>): on each edited layer, for
/// every chosen channel c, add α·Δc at the target cell and subtract it at the goal's cell, where Δc is the channel's mean
/// activation on the goal's cell minus elsewhere. Nothing else changes, so the edit's size is α·√2·‖Δ‖ per layer.
/// </summary>
public sealed class ChannelEdit : IGoalEdit
{
    /// <summary>One edited layer: its shapes and the value added per chosen channel (in the order of <see cref="Channels"/>).</summary>
    public sealed record Part(string Layer, long[] SampleShape, SpatialShape Spatial, float[] Delta);

    private readonly IReadOnlyList<Part> parts;

    public ChannelEdit(IReadOnlyList<Part> parts, IReadOnlyList<int> channels, string kind = "channels")
    {
        if (parts.Count == 0) throw new ArgumentException("a channel edit needs at least one layer.", nameof(parts));
        if (parts.Any(p => p.Delta.Length != channels.Count)) throw new ArgumentException("one value per chosen channel is required on every layer.", nameof(parts));
        this.parts = parts;
        Channels = channels;
        Kind = kind;
    }

    /// <summary>The edited channels.</summary>
    public IReadOnlyList<int> Channels { get; }

    /// <summary><c>channels</c>, or <c>random channels</c> for the control.</summary>
    public string Kind { get; }

    public IReadOnlyList<Part> Parts => parts;
    public int CanvasWidth => parts[0].Spatial.Width;
    public int CanvasHeight => parts[0].Spatial.Height;
    public string Description => $"{Kind} {string.Join(", ", Channels)} of {string.Join(", ", parts.Select(p => p.Layer))}";
    public bool Covers(int x, int y) => x >= 0 && y >= 0 && x < CanvasWidth && y < CanvasHeight;

    /// <summary>
    /// The channels that track the goal best (mean correlation over the layers, highest first) and their Δ on each layer.
    /// <paramref name="localizations"/> holds one entry per edited layer, all for the same goal.
    /// </summary>
    public static ChannelEdit Best(IReadOnlyList<LayerLocalization> localizations, IReadOnlyDictionary<string, long[]> sampleShapes,
        IReadOnlyDictionary<string, SpatialShape> spatial, int count)
    {
        int channels = spatial[localizations[0].Layer].Channels;
        if (count < 1 || count >= channels)
            throw new UserError($"retargeting.channels is {count}, but it must be from 1 to {channels - 1} (the layer has {channels} channels and the random-channel control needs others).");
        var chosen = Enumerable.Range(0, channels)
            .OrderByDescending(c => localizations.Average(l => l.Channels[c].Correlation)).ThenBy(c => c).Take(count).ToList();
        return new ChannelEdit([.. localizations.Select(l => new Part(l.Layer, sampleShapes[l.Layer], spatial[l.Layer],
            [.. chosen.Select(c => (float)(l.Channels[c].AtGoal - l.Channels[c].Elsewhere))]))], chosen);
    }

    /// <summary>The control: the same values on as many channels drawn at random from the others (so the same size of edit).</summary>
    public ChannelEdit RandomChannels(ulong seed)
    {
        int channels = parts[0].Spatial.Channels;
        var others = Enumerable.Range(0, channels).Where(c => !Channels.Contains(c)).ToList();
        var rng = new Rng(seed ^ 0xC4A7_7E15UL);
        // A partial Fisher–Yates shuffle picks Channels.Count of them.
        for (int i = 0; i < Channels.Count; i++)
        {
            int j = i + rng.Next(others.Count - i);
            (others[i], others[j]) = (others[j], others[i]);
        }
        return new ChannelEdit(parts, [.. others.Take(Channels.Count)], "random channels");
    }

    public IReadOnlyList<ActivationPatch> Patches(IReadOnlyList<((int X, int Y) From, (int X, int Y) To)> rows, double strength) =>
    [
        .. parts.Select(p => ActivationPatch.Add(p.Layer, p.SampleShape, [.. rows.Select(r =>
        {
            var d = new float[p.Spatial.Size];
            if (r.From == r.To) return d;
            for (int k = 0; k < Channels.Count; k++)
            {
                d[p.Spatial.Index(r.To.X, r.To.Y, Channels[k])] += p.Delta[k];
                d[p.Spatial.Index(r.From.X, r.From.Y, Channels[k])] -= p.Delta[k];
            }
            return d;
        })], strength)),
    ];
}
