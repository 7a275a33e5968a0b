namespace MesaLab.Store;

using System.Security.Cryptography;

/// <summary>
/// A process that holds (works on) a run: its machine, process id and start mark, and a random token that tells
/// this holding apart from any other, even by the same process.
/// </summary>
/// <param name="Host">Machine name (<see cref="Environment.MachineName"/>).</param>
/// <param name="Pid">Process id on that machine.</param>
/// <param name="StartMark"><see cref="LocalProcess.StartMark"/> of the process, so a reused process id is not taken for it; null where unknown.</param>
/// <param name="Token">Random; a lease is heartbeat and released by the holder with this token only.</param>
public sealed record RunHolder(string Host, int Pid, string? StartMark, string Token)
{
    /// <summary>This process, with a new token.</summary>
    public static RunHolder ThisProcess() =>
        new(Environment.MachineName, Environment.ProcessId, LocalProcess.StartMark(Environment.ProcessId), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));

    /// <summary>Whether this holder is a process on this machine.</summary>
    public bool IsLocal => string.Equals(Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the holder's process is known to have ended: only decidable on its own machine.</summary>
    public bool IsGone => IsLocal && !LocalProcess.IsRunning(Pid, StartMark);

    public override string ToString() => $"process {Pid} on {Host}";
}
