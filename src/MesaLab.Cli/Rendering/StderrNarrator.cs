namespace MesaLab.Cli.Rendering;

using System.Diagnostics;
using MesaLab.Experiments;

/// <summary>
/// Narrates a pipeline on stderr: a heading per stage and progress lines — rewritten in place on a terminal,
/// throttled to one line every few seconds when stderr is a file or pipe — so stdout stays machine-readable.
/// </summary>
public sealed class StderrNarrator(TextWriter stderr, bool interactive) : INarrator
{
    private readonly Stopwatch sinceLine = Stopwatch.StartNew();
    private readonly Stopwatch stage = new();
    private int stageNumber;
    private bool pendingLine;
    private string lastPercent = "";

    public static StderrNarrator ForConsole(TextWriter stderr) =>
        new(stderr, ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);

    public void Stage(string name, string description)
    {
        EndLine();
        stageNumber++;
        stage.Restart();
        stderr.WriteLine($"[{stageNumber}] {name}: {description}");
        lastPercent = "";
    }

    public void Progress(long done, long total, string detail = "")
    {
        double fraction = total > 0 ? Math.Clamp(done / (double)total, 0, 1) : 0;
        string percent = $"{fraction:P0}";
        string eta = fraction > 0.02 && fraction < 1 ? $", about {Seconds(stage.Elapsed.TotalSeconds * (1 - fraction) / fraction)} left" : "";
        string line = $"    {percent} ({done:N0}/{total:N0}) {detail}{eta}";
        if (interactive)
        {
            stderr.Write("\r" + line.PadRight(Math.Min(118, Math.Max(line.Length, 60)))[..Math.Min(118, Math.Max(line.Length, 60))]);
            pendingLine = true;
            if (done >= total) EndLine();
        }
        else if (done >= total || (sinceLine.Elapsed.TotalSeconds >= 5 && percent != lastPercent))
        {
            stderr.WriteLine(line);
            sinceLine.Restart();
            lastPercent = percent;
        }
    }

    public void Log(string line)
    {
        EndLine();
        stderr.WriteLine("    " + line);
    }

    /// <summary>Ends an in-place progress line so the next output starts on a fresh line.</summary>
    public void EndLine()
    {
        if (!pendingLine) return;
        stderr.WriteLine();
        pendingLine = false;
    }

    private static string Seconds(double s) => s < 90 ? $"{s:0} s" : $"{s / 60:0.0} min";
}
