namespace MesaLab.Cli;

using System.Text.Json;

/// <summary>
/// Where one invocation's results go: one JSON document on stdout with <c>--json</c>, a human rendering otherwise.
/// Logs and progress always go to stderr so stdout stays machine-readable.
/// </summary>
public sealed class Output(TextWriter stdout, TextWriter stderr)
{
    public bool JsonMode { get; set; }
    public TextWriter Stdout { get; } = stdout;
    public TextWriter Stderr { get; } = stderr;

    /// <summary>Prints the verb's result: <paramref name="document"/> as JSON, or <paramref name="human"/> for people.</summary>
    public void Result(object document, Action<TextWriter> human)
    {
        if (JsonMode) Stdout.WriteLine(JsonSerializer.Serialize(document, document.GetType(), MesaLabJson.Indented));
        else human(Stdout);
    }

    /// <summary>A progress or log line (stderr).</summary>
    public void Log(string line) => Stderr.WriteLine(line);

    public void Error(string sentence)
    {
        Stderr.WriteLine("error: " + sentence);
        if (JsonMode) Stdout.WriteLine(JsonSerializer.Serialize(new { error = sentence }, MesaLabJson.Indented));
    }

    /// <summary>A narrator of long work on this invocation's stderr.</summary>
    public Rendering.StderrNarrator Narrator() => Rendering.StderrNarrator.ForConsole(Stderr);
}
