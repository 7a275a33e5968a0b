namespace MesaLab.Core;

using System.Globalization;

/// <summary>
/// Named moments at which a test can stop a MesaLab process, for the kill tests. With the environment variable
/// <c>MESALAB_TEST_PAUSE=POINT:N</c> (e.g. <c>file-write:3</c>) the N-th time the process reaches POINT it writes
/// <c>mesalab-test-pause POINT N</c> on a line of standard error and sleeps until it is killed, so that the kill lands
/// exactly there. Unset (the default, and in normal use), reaching a point costs one comparison.
/// </summary>
public static class TestPause
{
    public const string Variable = "MESALAB_TEST_PAUSE";

    /// <summary>An <see cref="AtomicFile"/> write whose temporary file is complete and flushed but not yet renamed (in <c>train</c>: a checkpoint).</summary>
    public const string FileWrite = "file-write";

    /// <summary>A write transaction of the run store with its rows inserted, just before it commits.</summary>
    public const string StoreCommit = "store-commit";

    /// <summary>The line written to standard error when the process pauses.</summary>
    public const string Announcement = "mesalab-test-pause";

    private static readonly (string Point, int Occurrence)? Target = Parse(Environment.GetEnvironmentVariable(Variable));
    private static int reached;

    /// <summary>Marks that the process is at <paramref name="point"/>; pauses for good if this is the occurrence the variable names.</summary>
    public static void At(string point)
    {
        if (Target is not { } target || target.Point != point) return;
        int n = Interlocked.Increment(ref reached);
        if (n != target.Occurrence) return;
        Console.Error.WriteLine($"{Announcement} {point} {n.ToString(CultureInfo.InvariantCulture)}");
        Console.Error.Flush();
        Thread.Sleep(Timeout.Infinite);
    }

    private static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        int colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? (value[..colon].Trim(), n)
            : (value.Trim(), 1);
    }
}
