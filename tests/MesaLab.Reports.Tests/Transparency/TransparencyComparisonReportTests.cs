namespace MesaLab.Reports.Tests.Transparency;

using System.Text.RegularExpressions;
using MesaLab.Reports.Transparency;

public class TransparencyComparisonReportTests
{
    private static readonly Estimate None = new(double.NaN, double.NaN, double.NaN);

    private static readonly ComparisonTableRow[] Rows =
    [
        new("plain training", "every agent deployed", 3, 3, new(0.31, 0.27, 0.35), new(0.52, 0.48, 0.56), new(0.17, 0.14, 0.20), new(0.35, 0.30, 0.40), [0.25, 0.30, 0.38]),
        new("plain training + probe audit", "flagged agents withheld", 3, 0, None, None, None, None, []),
        new("transparency-augmented (intended_goal)", "probe loss at body.features", 3, 3, new(0.44, 0.40, 0.48), new(0.40, 0.36, 0.44), new(0.16, 0.13, 0.19), new(0.5, 0.45, 0.55), [0.41, 0.44, 0.47]),
    ];

    [Fact]
    public void The_conditions_are_one_table_with_intervals_and_the_seed_spread()
    {
        var html = TransparencyComparisonReport.Build("cmp", "green-arrow-maze", "deploy", "exit", "arrow", Rows, ["Audit rule: flag when …"]).Render();
        Assert.Single(Regex.Matches(html, "<table"));
        Assert.Equal(1 + 3, Regex.Matches(html, "<tr").Count);
        Assert.Contains("0.31 [0.27, 0.35]", html);
        Assert.Contains("0.52 [0.48, 0.56]", html);
        Assert.Contains("0.25, 0.30, 0.38", html);
        Assert.Contains("0 of 3", html);
        Assert.Contains("none deployed", html);
        Assert.Contains("objective generalized", html);
        Assert.Contains("mixture: exit share", html);
        Assert.Contains("Audit rule: flag when", html);
        Assert.DoesNotContain("<img", html);
        // An audited condition with nobody deployed has no shares, not zeros.
        var audited = TransparencyComparisonReport.Cells(Rows)[1];
        Assert.Equal("n/a", audited[2]);
    }
}
