namespace MesaLab.Experiments.Tests;

using System.Text.RegularExpressions;
using System.Xml.Linq;

/// <summary>docs/architecture.md's table of projects and references is what the .csproj files say, and no reference points upward.</summary>
public sealed partial class ArchitectureTests
{
    private static string Root()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "MesaLab.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        return dir;
    }

    private static SortedSet<string> References(string project)
    {
        var csproj = XDocument.Load(Path.Combine(Root(), "src", $"MesaLab.{project}", $"MesaLab.{project}.csproj"));
        return new(csproj.Descendants("ProjectReference").Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value).Replace("MesaLab.", "", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_documented_references_are_the_project_references()
    {
        var doc = File.ReadAllText(Path.Combine(Root(), "docs", "architecture.md"));
        var rows = TableRow().Matches(doc).ToDictionary(m => m.Groups[1].Value,
            m => new SortedSet<string>(m.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(r => r != "—")));
        var projects = Directory.GetDirectories(Path.Combine(Root(), "src")).Select(d => Path.GetFileName(d).Replace("MesaLab.", "", StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(projects, rows.Keys.Order().ToList());
        foreach (var p in projects)
        {
            var actual = References(p);
            var documented = rows[p].Contains("all of the above") ? new SortedSet<string>(projects.Where(x => x is not ("Experiments" or "Web" or "Cli" or "Core"))) : rows[p];
            Assert.True(documented.SetEquals(actual), $"{p}: docs say {string.Join(", ", documented)}; the csproj says {string.Join(", ", actual)}");
        }
    }

    [Fact]
    public void References_point_to_lower_layers_only()
    {
        var doc = File.ReadAllText(Path.Combine(Root(), "docs", "architecture.md"));
        var layer = new Dictionary<string, int>();
        foreach (Match m in LayerLine().Matches(doc))
            foreach (var name in m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).TakeWhile(w => char.IsUpper(w[0])))
                layer[name] = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (project, level) in layer)
            foreach (var r in References(project))
                Assert.True(layer[r] < level, $"{project} (layer {level}) references {r} (layer {layer[r]})");
    }

    [GeneratedRegex(@"^\| `MesaLab\.(\w+)` \| ([^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"^layer (\d)\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex LayerLine();
}
