namespace MesaLab.Transparency;

using MesaLab.Worlds;

/// <summary>How well one channel's activation map tracks a goal's position.</summary>
/// <param name="Correlation">Pearson correlation, pooled over states and the level's cells, between the channel's activation at a cell and "the goal is on this cell".</param>
/// <param name="ShuffledCorrelation">The same with the goal taken from a state of another level (the control: near 0 for every channel).</param>
/// <param name="AtGoal">Mean activation on the goal's cell.</param>
/// <param name="Elsewhere">Mean activation on the level's other cells.</param>
public sealed record ChannelScore(int Channel, double Correlation, double ShuffledCorrelation, double AtGoal, double Elsewhere);

/// <summary>Every channel of one spatial layer scored for one goal, and the correlation map of the best channel.</summary>
/// <param name="BestChannelMap">Per canvas cell (row-major): the correlation over states between the best channel there and the goal being there (NaN where no goal was seen).</param>
public sealed record LayerLocalization(string Layer, string Goal, int States, IReadOnlyList<ChannelScore> Channels, int BestChannel, int MapWidth, int MapHeight,
    IReadOnlyList<double> BestChannelMap)
{
    /// <summary>Channels by correlation, highest first.</summary>
    public IEnumerable<ChannelScore> Ranked => Channels.OrderByDescending(c => c.Correlation).ThenBy(c => c.Channel);
}

/// <summary>
/// Channel-level localization: which channels of a spatial layer carry a goal's position at the goal's own cell. For every
/// channel, the correlation between its activation on a cell and the goal being on that cell, pooled over states and the
/// cells of each level, with a shuffled-goal control; and for the best channel a correlation map over the canvas.
/// </summary>
public static class ChannelLocalization
{
    /// <summary>The layers of <paramref name="network"/> that are maps over the canvas, with their spatial shapes.</summary>
    public static IReadOnlyDictionary<string, SpatialShape> SpatialLayers(InspectableNetwork network, IReadOnlyDictionary<string, long[]> shapes, int canvasWidth, int canvasHeight) =>
        shapes.Select(kv => (kv.Key, Shape: SpatialShape.Of(kv.Value, canvasWidth, canvasHeight, network.Grid)))
            .Where(x => x.Shape is not null).ToDictionary(x => x.Key, x => x.Shape!);

    /// <summary>Scores every channel of <paramref name="layer"/> (activations <paramref name="activations"/> of <paramref name="states"/>) for tracking <paramref name="goal"/>.</summary>
    public static LayerLocalization Score(string layer, SpatialShape shape, FeatureMatrix activations, ProbeStates states, CandidateObjective goal)
    {
        int n = states.Count, channels = shape.Channels, cw = shape.Width, ch = shape.Height;
        var goals = states.States.Select(s => ObservationBuilder.CanvasPosition(s.Level, s.Level.Find(goal.Object), cw, ch)).ToArray();
        // The control's goal comes from a state of another level (half-way round the list, then the next other level).
        var partner = new int[n];
        for (int i = 0; i < n; i++)
        {
            int p = (i + n / 2) % n;
            for (int k = 0; k < n && states.States[p].Level.Index == states.States[i].Level.Index; k++) p = (p + 1) % n;
            partner[i] = p;
        }
        var sum = new double[channels]; var sum2 = new double[channels]; var sumAtGoal = new double[channels]; var sumAtShuffled = new double[channels];
        double count = 0, goalCount = 0, shuffledCount = 0;
        // Per canvas cell and channel, for the correlation maps: n, Σa, Σa², Σa·I, ΣI.
        int cells = cw * ch;
        var mN = new double[cells]; var mI = new double[cells];
        var mA = new double[cells * channels]; var mA2 = new double[cells * channels]; var mAI = new double[cells * channels];
        for (int i = 0; i < n; i++)
        {
            var level = states.States[i].Level;
            int ox = (cw - level.Width) / 2, oy = (ch - level.Height) / 2;
            var row = activations.Row(i);
            var (gx, gy) = goals[i];
            var (sx, sy) = goals[partner[i]];
            for (int y = 0; y < level.Height; y++)
            for (int x = 0; x < level.Width; x++)
            {
                int cx = x + ox, cy = y + oy, cell = cy * cw + cx;
                bool atGoal = cx == gx && cy == gy, atShuffled = cx == sx && cy == sy;
                count++;
                if (atGoal) goalCount++;
                if (atShuffled) shuffledCount++;
                mN[cell]++;
                if (atGoal) mI[cell]++;
                for (int c = 0; c < channels; c++)
                {
                    double a = row[shape.Index(cx, cy, c)];
                    sum[c] += a;
                    sum2[c] += a * a;
                    if (atGoal) sumAtGoal[c] += a;
                    if (atShuffled) sumAtShuffled[c] += a;
                    mA[cell * channels + c] += a;
                    mA2[cell * channels + c] += a * a;
                    if (atGoal) mAI[cell * channels + c] += a;
                }
            }
        }
        var scores = new List<ChannelScore>();
        for (int c = 0; c < channels; c++)
            scores.Add(new ChannelScore(c, Correlation(count, sum[c], sum2[c], sumAtGoal[c], goalCount), Correlation(count, sum[c], sum2[c], sumAtShuffled[c], shuffledCount),
                goalCount > 0 ? sumAtGoal[c] / goalCount : double.NaN, count > goalCount ? (sum[c] - sumAtGoal[c]) / (count - goalCount) : double.NaN));
        int best = scores.OrderByDescending(s => s.Correlation).ThenBy(s => s.Channel).First().Channel;
        var map = new double[cells];
        for (int cell = 0; cell < cells; cell++)
            map[cell] = mI[cell] == 0 || mI[cell] == mN[cell] ? double.NaN
                : Correlation(mN[cell], mA[cell * channels + best], mA2[cell * channels + best], mAI[cell * channels + best], mI[cell]);
        return new LayerLocalization(layer, goal.Name, n, scores, best, cw, ch, map);
    }

    /// <summary>Pearson correlation of a variable a with a 0/1 indicator I from n, Σa, Σa², Σa·I and ΣI.</summary>
    private static double Correlation(double n, double sumA, double sumA2, double sumAI, double sumI)
    {
        if (n < 2 || sumI <= 0 || sumI >= n) return 0;
        double meanA = sumA / n, meanI = sumI / n;
        double cov = sumAI / n - meanA * meanI;
        double varA = sumA2 / n - meanA * meanA, varI = meanI * (1 - meanI);
        return varA <= 1e-18 ? 0 : cov / Math.Sqrt(varA * varI);
    }
}
