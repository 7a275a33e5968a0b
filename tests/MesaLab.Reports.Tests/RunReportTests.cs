namespace MesaLab.Reports.Tests;

using System.Text.RegularExpressions;
using MesaLab.Reports.Tests.Plots;

public sealed partial class RunReportTests
{
    [GeneratedRegex("<img [^>]*src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex EmbeddedPng();

    [Fact]
    public void Report_contains_every_section_and_every_image_decodes()
    {
        var dir = Directory.CreateTempSubdirectory("mesalab-report-");
        try
        {
            var path = RunReport.Write(SampleReport.Create(), dir.FullName);
            Assert.Equal(Path.Combine(dir.FullName, RunReport.FileName), path);
            var html = File.ReadAllText(path);
            foreach (var s in RunReport.Sections)
            {
                Assert.Contains($"<section id=\"{s.Id}\">", html);
                Assert.Contains($"<a href=\"#{s.Id}\">", html);
            }
            var images = EmbeddedPng().Matches(html);
            // 2 training curves, 2 outcome bar charts, 1 heatmap, 2 examples, 1 posterior chart.
            Assert.Equal(8, images.Count);
            foreach (Match m in images)
            {
                using var pic = new Picture(Convert.FromBase64String(m.Groups[1].Value));
                Assert.True(pic.Width > 50 && pic.Height > 50);
                Assert.True(pic.Inked() > 1000, "an embedded picture is (nearly) blank");
            }
            Assert.Single(Directory.GetFiles(dir.FullName)); // atomic write leaves no temporary file behind
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void Report_is_self_contained()
    {
        var html = RunReport.Build(SampleReport.Create()).Render();
        if (Environment.GetEnvironmentVariable("MESALAB_DUMP_REPORT") is { Length: > 0 } dump) File.WriteAllText(dump, html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html);
    }

    [Fact]
    public void Decomposition_tree_has_the_terminology_shape_and_numbers()
    {
        var html = RunReport.Build(SampleReport.Create()).Render();
        var tree = html[html.IndexOf("<ul class=\"tree\">", StringComparison.Ordinal)..];
        tree = tree[..(tree.IndexOf("<table>", StringComparison.Ordinal))];
        // Nesting order: alignment, outer alignment, robustness, objective robustness, inner alignment, capability robustness.
        string[] order = ["alignment</span>", "outer alignment</span>", ">robustness</span>", "objective robustness</span>", "inner alignment</span>", "capability robustness</span>"];
        int at = 0;
        foreach (var label in order)
        {
            int i = tree.IndexOf(label, at, StringComparison.Ordinal);
            Assert.True(i >= 0, $"'{label}' missing or out of order in the tree");
            at = i;
        }
        Assert.Contains("not measured behaviourally", tree);
        Assert.Contains("0.33 [0.26, 0.40]", tree);  // objective robustness with its interval
        Assert.Contains("0.93 [0.88, 0.97]", tree);  // capability robustness
        Assert.Equal(CountOf(tree, "<ul"), CountOf(tree, "</ul>"));
        Assert.Equal(CountOf(tree, "<li"), CountOf(tree, "</li>"));
        Assert.Contains("objective misgeneralization", html);
    }

    [Fact]
    public void Text_from_data_is_escaped()
    {
        var html = RunReport.Build(SampleReport.Create()).Render();
        Assert.Contains("ppo &lt;default&gt;", html);
        Assert.DoesNotContain("ppo <default>", html);
    }

    [Fact]
    public void Sections_without_data_say_so_instead_of_disappearing()
    {
        var bare = new ReportData { Run = SampleReport.Create().Run };
        var html = RunReport.Build(bare).Render();
        foreach (var s in RunReport.Sections) Assert.Contains($"<section id=\"{s.Id}\">", html);
        Assert.Contains("No episodes were evaluated.", html);
        Assert.Contains("Needs both a train and a deploy evaluation", html);
        Assert.DoesNotContain("data:image/png", html);
    }

    private static int CountOf(string s, string what) => Regex.Matches(s, Regex.Escape(what)).Count;
}
