namespace MesaLab.Reports.Search;

using MesaLab.Reports.Plots;

/// <summary>One curve of a learned-search plot: a name and one estimate per x.</summary>
public sealed record SearchCurve(string Name, IReadOnlyList<double> X, IReadOnlyList<Estimate> Y);

/// <summary>
/// The pictures of the learned-search studies as PNG bytes: the test-time compute curves, value-map probe quality by
/// iteration, the goal edit by iteration and the in-context learning curve. Inputs are plain numbers.
/// </summary>
public static class LearnedSearchPlots
{
    /// <summary>Success against maze side, one curve per network and iteration scale.</summary>
    public static byte[] ComputeScaling(IReadOnlyList<SearchCurve> curves, string yLabel = "success rate", string title = "Test-time compute: success vs maze side",
        int width = PlotPalette.Width, int height = PlotPalette.Height) =>
        Render(title, "maze side (cells)", yLabel, curves, 0, 1.05, width, height);

    /// <summary>Held-out R² of the distance-to-goal probe against the iteration, one curve per network, goal and control.</summary>
    public static byte[] ProbeByIteration(IReadOnlyList<SearchCurve> curves, string title = "Value-map probe quality by iteration (held-out R²)",
        int width = PlotPalette.Width, int height = PlotPalette.Height)
    {
        double low = Math.Min(-0.05, curves.SelectMany(c => c.Y).Where(e => e.IsAvailable).Select(e => double.IsNaN(e.Low) ? e.Value : e.Low).DefaultIfEmpty(0).Min());
        return Render(title, "iteration of the tied block (0 = embedding)", "held-out R²", curves, Math.Max(-1, low), 1.05, width, height);
    }

    /// <summary>P(the moved goal is reached first) against the fraction of K at which the goal was moved.</summary>
    public static byte[] GoalEdit(IReadOnlyList<SearchCurve> curves, string title = "Goal moved mid-iteration: new goal reached first",
        int width = PlotPalette.Width, int height = PlotPalette.Height) =>
        Render(title, "goal moved at iteration / K (1 = never)", "P(new goal first)", curves, 0, 1.05, width, height);

    /// <summary>Steps per episode against the episode's number within a trial, one curve per agent.</summary>
    public static byte[] InContextLearning(IReadOnlyList<SearchCurve> curves, string title = "In-context learning: steps per episode within a trial",
        int width = PlotPalette.Width, int height = PlotPalette.Height) =>
        Render(title, "episode within the trial", "steps to the goal", curves, null, null, width, height);

    private static byte[] Render(string title, string xLabel, string yLabel, IReadOnlyList<SearchCurve> curves, double? yMin, double? yMax, int width, int height)
    {
        if (curves.Count == 0) throw new ArgumentException("nothing to plot.", nameof(curves));
        foreach (var c in curves)
            if (c.X.Count != c.Y.Count) throw new ArgumentException($"curve '{c.Name}' has {c.X.Count} x values and {c.Y.Count} estimates.", nameof(curves));
        var series = curves.Select((c, i) => new BandSeries(c.Name, PlotPalette.SeriesColor(i), c.X,
            [.. c.Y.Select(e => double.IsNaN(e.Low) ? new Estimate(e.Value, e.Value, e.Value) : e)])).ToList();
        return ConfidenceBandPlot.Render(title, xLabel, yLabel, series, yMin: yMin, yMax: yMax, width: width, height: height);
    }
}
