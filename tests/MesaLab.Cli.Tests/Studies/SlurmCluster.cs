namespace MesaLab.Cli.Tests.Studies;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

/// <summary>
/// A real one-node Slurm cluster for the test run, on loopback, everything in one temporary directory (Debian's
/// slurm-wlm and munge; the recipe of DESIGN.md §4): munged with its own key and socket, slurmctld and slurmd as
/// root with a slurm.conf naming the node <c>localhost</c>. Clients reach it through <see cref="Environment"/>
/// (<c>SLURM_CONF</c>). Dispose cancels every job, waits until the queue is empty (tasks outlive slurmd), then stops
/// the daemons it started, by their process ids.
/// </summary>
public sealed class SlurmCluster : IDisposable
{
    private static readonly string[] Programs = ["munged", "mungekey", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "scontrol", "sinfo"];

    private readonly string root;
    private readonly List<Process> daemons = [];
    private readonly Process? watchdog;

    /// <summary>Why a cluster cannot be started here (programs missing, not root), or null when it can.</summary>
    public static string? Unavailable()
    {
        var missing = Programs.Where(p => Find(p) is null).ToList();
        if (missing.Count > 0)
            return $"Slurm test cluster not started: {string.Join(", ", missing)} not found; install them with `apt-get install slurmctld slurmd slurm-client munge` (as .ci/run does).";
        if (System.Environment.UserName != "root") return "Slurm test cluster not started: its daemons run as root (SlurmUser=root), and the tests run as " + System.Environment.UserName + ".";
        return null;
    }

    public SlurmCluster()
    {
        root = Directory.CreateTempSubdirectory("mesalab-slurm-").FullName;
        // munged refuses a socket in a directory others cannot search.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
            UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        try
        {
            string key = Path.Combine(root, "munge.key"), socket = Path.Combine(root, "munge.sock");
            Run(Find("mungekey")!, "--create", $"--keyfile={key}");
            Daemon("munged", "-F", $"--socket={socket}", $"--key-file={key}", $"--pid-file={Path.Combine(root, "munged.pid")}",
                $"--seed-file={Path.Combine(root, "munge.seed")}");
            Until(() => File.Exists(socket), "munged's socket");
            watchdog = StartWatchdog();

            Directory.CreateDirectory(Path.Combine(root, "state"));
            Directory.CreateDirectory(Path.Combine(root, "spool"));
            string node = Run(Find("slurmd")!, "-C").Split('\n')[0].Trim();
            node = "NodeName=localhost" + node[node.IndexOf(' ', StringComparison.Ordinal)..];
            Conf = Path.Combine(root, "slurm.conf");
            File.WriteAllText(Conf, string.Join('\n',
                "ClusterName=mesalab-test",
                "SlurmctldHost=localhost",
                $"SlurmctldPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
                $"SlurmdPort={FreePort().ToString(CultureInfo.InvariantCulture)}",
                "SlurmUser=root",
                "SlurmdUser=root",
                "AuthType=auth/munge",
                "CredType=cred/munge",
                $"AuthInfo=socket={socket}",
                "ProctrackType=proctrack/pgid",
                "TaskPlugin=task/none",
                "SelectType=select/cons_tres",
                "SelectTypeParameters=CR_CPU",
                "AccountingStorageType=accounting_storage/none",
                "JobAcctGatherType=jobacct_gather/none",
                "JobCompType=jobcomp/none",
                "MpiDefault=none",
                "ReturnToService=2",
                "SchedulerParameters=batch_sched_delay=0",
                $"StateSaveLocation={Path.Combine(root, "state")}",
                $"SlurmdSpoolDir={Path.Combine(root, "spool")}",
                $"SlurmctldPidFile={Path.Combine(root, "slurmctld.pid")}",
                $"SlurmdPidFile={Path.Combine(root, "slurmd.pid")}",
                $"SlurmctldLogFile={Path.Combine(root, "slurmctld.log")}",
                $"SlurmdLogFile={Path.Combine(root, "slurmd.log")}",
                node + " State=UNKNOWN",
                "PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP",
                ""));
            Environment = new Dictionary<string, string> { ["SLURM_CONF"] = Conf };

            Daemon("slurmctld", "-D", "-f", Conf);
            Until(() => TryRun("scontrol", "ping").Contains("is UP", StringComparison.Ordinal), "slurmctld to answer scontrol ping");
            Daemon("slurmd", "-D", "-N", "localhost", "-f", Conf);
            Until(() => TryRun("sinfo", "-h", "-o", "%t").Trim() == "idle", "the node to be idle in sinfo");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The cluster's slurm.conf.</summary>
    public string Conf { get; } = "";

    /// <summary>What a Slurm client (and the mesalab process that submits) needs in its environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>();

    /// <summary>Job ids Slurm still lists (pending or running).</summary>
    public IReadOnlyList<string> Queue() => [.. TryRun("squeue", "-h", "-o", "%i").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>The daemons' logs, for a failing test's message.</summary>
    public string Logs() => string.Join("\n", new[] { "slurmctld.log", "slurmd.log" }.Select(f => Path.Combine(root, f))
        .Where(File.Exists).Select(f => $"--- {Path.GetFileName(f)}\n{string.Join('\n', File.ReadLines(f).TakeLast(30))}"));

    public void Dispose()
    {
        if (Conf.Length > 0)
        {
            // Jobs outlive slurmd: cancel them and wait for an empty queue before stopping the daemons.
            var ids = Queue();
            if (ids.Count > 0) TryRun("scancel", [.. ids]);
            var clock = Stopwatch.StartNew();
            while (Queue().Count > 0 && clock.Elapsed.TotalSeconds < 60) Thread.Sleep(200);
        }
        foreach (var d in Enumerable.Reverse(daemons))
        {
            try
            {
                if (!d.HasExited) d.Kill();
                d.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            d.Dispose();
        }
        try { if (watchdog is { HasExited: false }) watchdog.Kill(); } catch (InvalidOperationException) { }
        watchdog?.Dispose();
        try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private void Daemon(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(Find(program)!, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Conf.Length > 0) psi.Environment["SLURM_CONF"] = Conf;
        var p = Process.Start(psi)!;
        var log = new StreamWriter(Path.Combine(root, program + ".out")) { AutoFlush = true };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        daemons.Add(p);
    }

    // If the test host dies without disposing, a detached shell stops the daemons started here and deletes the directory.
    private Process? StartWatchdog()
    {
        string pids = string.Join(' ', daemons.Select(d => d.Id.ToString(CultureInfo.InvariantCulture)));
        string script = $"while kill -0 {System.Environment.ProcessId} 2>/dev/null; do sleep 2; done; " +
                        $"SLURM_CONF='{Path.Combine(root, "slurm.conf")}' scancel --user=root >/dev/null 2>&1; sleep 5; " +
                        $"for p in $(cat '{root}'/slurmd.pid '{root}'/slurmctld.pid 2>/dev/null) {pids}; do kill $p 2>/dev/null; done; rm -rf '{root}'";
        try
        {
            return Process.Start(new ProcessStartInfo("sh", ["-c", script]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private void Until(Func<bool> ready, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!ready())
        {
            if (daemons.FirstOrDefault(d => d.HasExited) is { } dead)
                throw new InvalidOperationException($"a Slurm test daemon exited ({dead.ExitCode}) while waiting for {what}: {Logs()}");
            if (clock.Elapsed.TotalSeconds > 60) throw new TimeoutException($"waited 60 s for {what}: {Logs()}");
            Thread.Sleep(200);
        }
    }

    private string TryRun(string program, params string[] args)
    {
        try { return Run(Find(program)!, args); }
        catch (InvalidOperationException) { return ""; }
    }

    private string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Conf.Length > 0) psi.Environment["SLURM_CONF"] = Conf;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000)) { p.Kill(); throw new InvalidOperationException($"{file} timed out"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}");
        return stdout.Result;
    }

    /// <summary>A program on PATH or in the system directories (daemons live in /usr/sbin, which a user's PATH may lack).</summary>
    public static string? Find(string program) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/usr/bin", "/sbin"])
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
