namespace MesaLab.Experiments;

/// <summary>Where a pipeline tells a person what it is doing: stage headings, progress and log lines (the CLI sends them to stderr).</summary>
public interface INarrator
{
    /// <summary>A new stage starts (e.g. <c>1/4 train</c>).</summary>
    void Stage(string name, string description);

    /// <summary>Progress within the current stage; <paramref name="done"/> of <paramref name="total"/>, with a short detail.</summary>
    void Progress(long done, long total, string detail = "");

    void Log(string line);
}

/// <summary>Narrates nothing (tests, library use).</summary>
public sealed class SilentNarrator : INarrator
{
    public static readonly SilentNarrator Instance = new();
    public void Stage(string name, string description) { }
    public void Progress(long done, long total, string detail = "") { }
    public void Log(string line) { }
}
