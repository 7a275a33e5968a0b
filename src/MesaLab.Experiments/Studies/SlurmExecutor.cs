namespace MesaLab.Experiments;

using System.Diagnostics;
using System.Globalization;
using System.Text;
using MesaLab.Store;

/// <summary>A study's Slurm array job: its id, the script submitted and the jobs (positions) it runs.</summary>
public sealed record SlurmSubmission(string? JobId, string ScriptPath, string Script, IReadOnlyList<int> Positions);

/// <summary>
/// Runs a study on a Slurm cluster: writes an sbatch array script whose task i runs job i of the study through
/// <c>mesalab study work</c> (leases keep a job to one task even if tasks overlap), submits it and returns; the
/// jobs' states are in the store. Tasks on several nodes share one store: a PostgreSQL server named by
/// <c>MESALAB_STORE</c> (sbatch passes the submitting environment to the tasks) and a workspace directory all nodes
/// mount, for checkpoints.
/// </summary>
public static class SlurmExecutor
{
    /// <summary>
    /// Checks that the study can go to Slurm from here: sbatch on PATH (when submitting), and a store several nodes
    /// can share.
    /// </summary>
    /// <param name="sharedStore">Whether the run store is a server every node reaches (PostgreSQL), rather than a SQLite file.</param>
    /// <param name="storeLocation">The store, for the message.</param>
    /// <param name="singleNode">The user says every task runs on this machine, so a SQLite store in the workspace is shared.</param>
    /// <param name="submit">False for a dry run, which prints the script and needs no sbatch.</param>
    /// <returns>The path of sbatch (null when not submitting).</returns>
    public static string? Check(bool sharedStore, string storeLocation, bool singleNode, bool submit = true, string? path = null)
    {
        string? sbatch = submit
            ? Find("sbatch", path ?? Environment.GetEnvironmentVariable("PATH") ?? "")
              ?? throw new UserError("--executor slurm needs sbatch, and it is not on PATH; run the study on a Slurm login node, or use --executor local.")
            : null;
        if (!sharedStore && !singleNode)
            throw new UserError($"--executor slurm runs jobs on other nodes, which cannot share the SQLite store {storeLocation}; set {RunStores.StoreVariable} to a PostgreSQL connection string (docs/studies.md), or pass --single-node if every task runs on this machine.");
        return sbatch;
    }

    /// <summary>The sbatch array script for the given jobs (positions) of a study.</summary>
    public static string Script(string study, IReadOnlyList<int> positions, SlurmSettings slurm, int cpusPerTask, int retries,
        MesalabCommand command, string workspace, string logDirectory)
    {
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --job-name=mesalab-{study}\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --array={Ranges(positions)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --ntasks=1\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={cpusPerTask}\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --mem={slurm.Memory}\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --time={slurm.Time}\n");
        if (slurm.Partition is { Length: > 0 } partition) sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --partition={partition}\n");
        sb.Append(CultureInfo.InvariantCulture, $"#SBATCH --output={Path.Combine(logDirectory, "slurm-%A_%a.out")}\n");
        sb.Append("#SBATCH --export=ALL\n");
        sb.Append(CultureInfo.InvariantCulture, $"# Task i runs job i of study {study}; the run store is the submitting shell's (MESALAB_STORE is exported\n");
        sb.Append("# with the environment), checkpoints go to the workspace, which every node must see at the same path.\n");
        sb.Append("set -eu\n");
        sb.Append("exec ").Append(command.ShellLine("study", "work", study, "--job-index", "SLURM_TASK", "--retries",
            retries.ToString(CultureInfo.InvariantCulture), "--workspace", workspace).Replace("SLURM_TASK", "\"$SLURM_ARRAY_TASK_ID\"", StringComparison.Ordinal)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Writes the script into the study's directory of the workspace and submits it with sbatch.</summary>
    public static SlurmSubmission Submit(string sbatch, string study, string script, IReadOnlyList<int> positions, string logDirectory)
    {
        Directory.CreateDirectory(logDirectory);
        string path = Path.Combine(logDirectory, $"submit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.sbatch");
        AtomicFile.WriteAllText(path, script);
        var psi = new ProcessStartInfo(sbatch, ["--parsable", path]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi) ?? throw new UserError($"could not start {sbatch}.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill();
            throw new UserError($"sbatch did not answer within two minutes; the script is {path}.");
        }
        if (p.ExitCode != 0)
            throw new UserError($"sbatch refused the study's array job (exit code {p.ExitCode}): {stderr.Result.Trim().Replace('\n', ' ')}; the script is {path}.");
        string id = stdout.Result.Trim().Split(';')[0];
        return new SlurmSubmission(id, path, script, positions);
    }

    /// <summary>Whether Slurm still lists any task of the array job (pending or running); false when squeue is unavailable.</summary>
    public static bool Queued(string jobId)
    {
        string? squeue = Find("squeue", Environment.GetEnvironmentVariable("PATH") ?? "");
        if (squeue is null) return false;
        var psi = new ProcessStartInfo(squeue, ["-h", "-j", jobId, "-o", "%i"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi);
        if (p is null) return false;
        string output = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 && output.Trim().Length > 0;
    }

    /// <summary>Array indices as Slurm writes them: 0-3,5,7-9.</summary>
    public static string Ranges(IReadOnlyList<int> positions)
    {
        var sorted = positions.Distinct().Order().ToList();
        var parts = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(i == j ? sorted[i].ToString(CultureInfo.InvariantCulture) : $"{sorted[i].ToString(CultureInfo.InvariantCulture)}-{sorted[j].ToString(CultureInfo.InvariantCulture)}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    private static string? Find(string program, string path) =>
        path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}
