namespace MesaLab.Store;

/// <summary>Where a run stands. <see cref="Running"/> until it completes, is interrupted (Ctrl-C, resumable) or fails.</summary>
public enum RunStatus
{
    Running,
    Completed,
    Interrupted,
    Failed,
}

/// <summary>Text forms of <see cref="RunStatus"/> as stored in the database and printed by <c>mesalab runs</c>.</summary>
public static class RunStatusText
{
    public static string ToText(this RunStatus status) => status switch
    {
        RunStatus.Running => "running",
        RunStatus.Completed => "completed",
        RunStatus.Interrupted => "interrupted",
        _ => "failed",
    };

    public static RunStatus Parse(string text) => text switch
    {
        "running" => RunStatus.Running,
        "completed" => RunStatus.Completed,
        "interrupted" => RunStatus.Interrupted,
        "failed" => RunStatus.Failed,
        _ => throw new InvalidDataException($"the run store holds an unknown run status '{text}'."),
    };
}
