namespace MesaLab.Reports.Quantilizers;

using System.Globalization;
using System.Net;
using System.Text;
using MesaLab.Quantilizers;
using ScottPlot;

/// <summary>
/// Pictures of a quantilizer experiment: the Goodhart curve (proxy and true utility against bits of
/// optimization, 95 % bands, the maximizer as the limit) per base, and Taylor's cost bound against the
/// measured cost. Returns PNG bytes, and an HTML section the report can include as is.
/// </summary>
public static class GoodhartPlot
{
    public const int Width = 1000, Height = 500;

    /// <summary>The Goodhart curve of one base as a PNG.</summary>
    public static byte[] Curve(GoodhartCurve curve, string baseName) => CurvePlot(curve, baseName).GetImageBytes(Width, Height, ImageFormat.Png);

    /// <summary>
    /// The Goodhart curve of one base as a plot: a PPO maximizer that did not converge is drawn with its own marker and
    /// labelled so in the legend, never as "the maximizer".
    /// </summary>
    public static Plot CurvePlot(GoodhartCurve curve, string baseName)
    {
        var b = curve.Bases.FirstOrDefault(x => x.Base == baseName) ?? throw new ArgumentException($"no base '{baseName}' in this result.", nameof(baseName));
        var plot = new Plot();
        var xs = b.Trajectory.Select(p => p.Bits).ToArray();
        AddBand(plot, xs, b.Trajectory.Select(p => p.Proxy).ToArray(), Colors.Blue, "proxy (trajectory quantilizer)");
        AddBand(plot, xs, b.Trajectory.Select(p => p.True).ToArray(), Colors.OrangeRed, "true (trajectory quantilizer)");
        var ax = b.Action.Select(p => p.BitsPerStep).ToArray();
        var ap = plot.Add.Scatter(ax, b.Action.Select(p => p.Proxy).ToArray());
        ap.Color = Colors.Blue; ap.LinePattern = LinePattern.Dashed; ap.LegendText = "proxy (per-action, bits/step)";
        var at = plot.Add.Scatter(ax, b.Action.Select(p => p.True).ToArray());
        at.Color = Colors.OrangeRed; at.LinePattern = LinePattern.Dashed; at.LegendText = "true (per-action, bits/step)";
        double fallback = xs.Max() + 2;
        if (b.Maximizer is { } m)
        {
            if (m.Converged) AddMaximizer(plot, m, fallback, MarkerShape.FilledDiamond, "PPO maximizer");
            else AddMaximizer(plot, m, fallback, MarkerShape.Asterisk, "PPO maximizer, DID NOT CONVERGE");
        }
        AddMaximizer(plot, b.Limit, fallback, MarkerShape.OpenDiamond, "limit (exact optimum)");
        string clone = b.Base == "cloned" && curve.Cloning is { Converged: false } ? " (behaviour cloning did not converge)" : "";
        plot.Title($"Goodhart curve — base '{b.Base}'{clone} on {curve.World}/{curve.Split}");
        plot.XLabel("optimization (bits): −log2 q; maximizers at −log2 P_base(proxy ≥ their outcome)");
        plot.YLabel("utility");
        // Outside the data area: the curves fill the whole panel.
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Taylor's bound: measured E_Q[cost] (with 95 % interval) and the bound E_base[cost]/q, per base, on a log scale.</summary>
    public static byte[] Bound(GoodhartCurve curve)
    {
        var plot = new Plot();
        Color[] palette = [Colors.Green, Colors.Purple, Colors.Gray, Colors.Brown];
        int i = 0;
        foreach (var b in curve.Bases)
        {
            var color = palette[i++ % palette.Length];
            var xs = b.Trajectory.Select(p => p.Bits).ToArray();
            var measured = plot.Add.Scatter(xs, b.Trajectory.Select(p => Log10(p.Cost.Value)).ToArray());
            measured.Color = color; measured.LegendText = $"E_Q[cost], base '{b.Base}'";
            var hi = plot.Add.Scatter(xs, b.Trajectory.Select(p => Log10(p.Cost.High)).ToArray());
            hi.Color = color.WithAlpha(0.4); hi.MarkerSize = 0; hi.LinePattern = LinePattern.Dotted;
            var bound = plot.Add.Scatter(xs, b.Trajectory.Select(p => Log10(p.Bound.Limit)).ToArray());
            bound.Color = color; bound.LinePattern = LinePattern.Dashed; bound.MarkerSize = 0; bound.LegendText = $"bound E_base[cost]/q, base '{b.Base}'";
        }
        plot.Title("Taylor's bound: E_Q[cost] ≤ E_base[cost] / q");
        plot.XLabel("optimization (bits): −log2 q");
        plot.YLabel("log10 cost (flower beds entered)");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Writes the first base's Goodhart curve to a PNG file (atomically).</summary>
    public static void Save(GoodhartCurve curve, string path)
    {
        AtomicFile.WriteAllBytes(path, Curve(curve, curve.Bases[0].Base));
    }

    /// <summary>An HTML section (no page wrapper) with every plot inlined as base64 PNG and a table of the bound checks.</summary>
    public static string HtmlSection(GoodhartCurve curve)
    {
        var inv = CultureInfo.InvariantCulture;
        var h = new StringBuilder();
        h.Append("<section class=\"quantilizers\">\n<h2>Quantilizers: the Goodhart curve and Taylor's bound</h2>\n");
        h.Append(CultureInfo.InvariantCulture, $"<p>Proxy: reach <code>{Enc(curve.Proxy)}</code> quickly (shortest/steps). True utility: proxy − {curve.CostWeight.ToString(inv)} × <code>{Enc(curve.Cost)}</code> cells entered. n = {curve.N} base trajectories per level, {curve.Levels.Count} levels, 95 % bootstrap intervals ({curve.Bootstrap} replicates).</p>\n");
        h.Append(CultureInfo.InvariantCulture, $"<p>Maximizer: {Enc(curve.MaximizerKind)}. Limit: {Enc(curve.LimitKind)}.</p>\n");
        if (curve.Cloning is { } bc)
            h.Append(CultureInfo.InvariantCulture, $"<p{(bc.Converged ? "" : " class=\"not-converged\"")}>Behaviour cloning (base 'cloned'): held-out agreement with the demonstrator's mode {bc.ModeAgreement:P1} (chance {bc.ModeChance:P1}); {Enc(bc.Convergence.ToString())}.</p>\n");
        h.Append("<ul class=\"maximizers\">\n");
        foreach (var b in curve.Bases)
            foreach (var m in new[] { b.Maximizer, b.Limit })
                if (m is not null)
                    h.Append(CultureInfo.InvariantCulture, $"<li{(m.Converged ? "" : " class=\"not-converged\"")}>base '{Enc(b.Base)}', {Enc(m.Name)}{(m.Converged ? "" : " <strong>(did not converge: not a maximizer)</strong>")}: proxy {m.Proxy:F3}, true {m.True:F3}, cost {m.Cost:F3}; outcome worth {m.OutcomeBits:F2} bits (empirical {(m.EmpiricalBitsLowerBound ? "≥ " : "")}{m.EmpiricalBits:F2})</li>\n");
        h.Append("</ul>\n");
        foreach (var b in curve.Bases)
            h.Append(CultureInfo.InvariantCulture, $"<figure><img alt=\"Goodhart curve, base {Enc(b.Base)}\" src=\"data:image/png;base64,{Convert.ToBase64String(Curve(curve, b.Base))}\"/><figcaption>Base '{Enc(b.Base)}'.</figcaption></figure>\n");
        h.Append(CultureInfo.InvariantCulture, $"<figure><img alt=\"Taylor's bound\" src=\"data:image/png;base64,{Convert.ToBase64String(Bound(curve))}\"/></figure>\n");
        h.Append("<table><thead><tr><th>base</th><th>q</th><th>bits</th><th>E_Q[proxy]</th><th>E_Q[true]</th><th>E_Q[cost] (95% CI)</th><th>E_base[cost]/q</th><th>bound</th></tr></thead><tbody>\n");
        foreach (var b in curve.Bases)
            foreach (var p in b.Trajectory)
                h.Append(CultureInfo.InvariantCulture, $"<tr><td>{Enc(b.Base)}</td><td>{p.Q:G3}</td><td>{p.Bits:F2}</td><td>{p.Proxy.Value:F3}</td><td>{p.True.Value:F3}</td><td>{p.Cost.Value:F3} [{p.Cost.Low:F3}, {p.Cost.High:F3}]</td><td>{p.Bound.Limit:F3}</td><td>{(p.Bound.Holds ? "holds" : "violated")}</td></tr>\n");
        h.Append("</tbody></table>\n</section>\n");
        return h.ToString();
    }

    /// <summary>A maximizer as two markers (proxy blue, true utility orange-red) at the bits of its outcome.</summary>
    private static void AddMaximizer(Plot plot, MaximizerPoint m, double fallbackBits, MarkerShape shape, string label)
    {
        double x = double.IsFinite(m.OutcomeBits) ? m.OutcomeBits : fallbackBits;
        var proxy = plot.Add.Scatter(new[] { x }, new[] { m.Proxy });
        proxy.Color = Colors.Blue; proxy.MarkerSize = 12; proxy.MarkerShape = shape; proxy.LegendText = $"{label}: proxy";
        var truth = plot.Add.Scatter(new[] { x }, new[] { m.True });
        truth.Color = Colors.OrangeRed; truth.MarkerSize = 12; truth.MarkerShape = shape; truth.LegendText = $"{label}: true utility";
    }

    private static void AddBand(Plot plot, double[] xs, Estimate[] est, Color color, string label)
    {
        var fill = plot.Add.FillY(xs, est.Select(e => e.Low).ToArray(), est.Select(e => e.High).ToArray());
        fill.FillColor = color.WithAlpha(0.2);
        fill.LineColor = Colors.Transparent;
        var line = plot.Add.Scatter(xs, est.Select(e => e.Value).ToArray());
        line.Color = color;
        line.LegendText = label;
    }

    // Costs can be 0 at high optimization; clamp so the log scale stays finite.
    private static double Log10(double v) => Math.Log10(Math.Max(v, 1e-4));

    private static string Enc(string s) => WebUtility.HtmlEncode(s);
}
