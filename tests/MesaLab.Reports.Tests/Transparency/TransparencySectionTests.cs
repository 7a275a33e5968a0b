namespace MesaLab.Reports.Tests.Transparency;

using System.Text.RegularExpressions;
using MesaLab.Reports.Sections;

public class TransparencySectionTests
{
    [Fact]
    public void Stored_studies_become_one_table_each_and_a_run_without_them_says_so()
    {
        var data = SampleReport.Create() with
        {
            Transparency =
            [
                new("Behaviour at decision squares", "deploy", "128 of 200 levels have a decision square.", ["feature", "change in log-odds per SD"],
                    [["steps_to_arrow", "-1.64 [-2.40, -1.28]"], ["steps_to_exit", "2.18 [1.74, 2.94]"]]),
                new("Resampling ablations", "deploy", "", ["layer", "cell", "change"], [["body.stem", "random", "0.001 [-0.002, 0.003]"]]),
            ],
        };
        var html = RunReport.Build(data).Render();
        int at = html.IndexOf("<section id=\"transparency\">", StringComparison.Ordinal);
        Assert.True(at >= 0);
        var section = html[at..html.IndexOf("</section>", at, StringComparison.Ordinal)];
        Assert.Equal(2, Regex.Matches(section, "<table").Count);
        Assert.Contains("-1.64 [-2.40, -1.28]", section);
        Assert.Contains("Resampling ablations (deploy)", section);

        var empty = RunReport.Build(SampleReport.Create() with { Transparency = [] }).Render();
        int e = empty.IndexOf("<section id=\"transparency\">", StringComparison.Ordinal);
        Assert.Contains("No transparency study is stored", empty[e..]);
    }
}
