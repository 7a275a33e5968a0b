namespace MesaLab.Experiments.Tests;

using MesaLab.Experiments;

/// <summary>A narrator that hands every progress report to a callback (e.g. to cancel at a chosen moment).</summary>
public sealed class ProgressNarrator(Action<long, long> progress) : INarrator
{
    public List<string> Lines { get; } = [];
    public void Stage(string name, string description) => Lines.Add($"{name}: {description}");
    public void Progress(long done, long total, string detail = "") => progress(done, total);
    public void Log(string line) => Lines.Add(line);
}
