namespace MesaLab.Web;

using System.Collections.Frozen;
using System.Reflection;

/// <summary>
/// The dashboard's static files (page shell, script, style, the vendored Chart.js and its licence), compiled into the
/// assembly and looked up by name in a fixed table: no request path ever reaches the file system.
/// </summary>
public static class Assets
{
    private const string Prefix = "assets/";

    private static readonly FrozenDictionary<string, byte[]> Files = Load();

    private static FrozenDictionary<string, byte[]> Load()
    {
        var assembly = typeof(Assets).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            files[resource[Prefix.Length..]] = memory.ToArray();
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Names of every asset (e.g. <c>dashboard.js</c>, <c>vendor/chart.umd.min.js</c>).</summary>
    public static IEnumerable<string> Names => Files.Keys;

    /// <summary>The asset's bytes and content type, or null when there is no asset of that name.</summary>
    public static (byte[] Bytes, string ContentType)? Find(string name) =>
        Files.TryGetValue(name, out var bytes) ? (bytes, ContentType(name)) : null;

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".html" => "text/html; charset=utf-8",
        ".md" => "text/plain; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    /// <summary>The version of the vendored Chart.js, read from its banner (for the docs and the about line).</summary>
    public static string ChartJsVersion
    {
        get
        {
            var head = System.Text.Encoding.UTF8.GetString(Files["vendor/chart.umd.min.js"].AsSpan(0, 64));
            int at = head.IndexOf("Chart.js v", StringComparison.Ordinal);
            return at < 0 ? "unknown" : new string(head[(at + 10)..].TakeWhile(c => char.IsDigit(c) || c == '.').ToArray());
        }
    }

    internal static Assembly Assembly => typeof(Assets).Assembly;
}
