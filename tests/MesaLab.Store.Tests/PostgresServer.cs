namespace MesaLab.Store.Tests;

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

/// <summary>
/// A throwaway PostgreSQL server for the test run (the Npgsql habit: test against a real server):
/// initdb into a temp directory, start on a free loopback port, create one database per test, stop
/// and delete at the end. Runs the server as the <c>postgres</c> user when the tests run as root.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string SkipVariable = "MESALAB_SKIP_POSTGRES";

    private readonly string root;
    private readonly string dataDir;
    private readonly string bin;
    private readonly Process process;
    private readonly Process? watchdog;
    private readonly bool asPostgresUser;
    private int databases;

    public static bool Skipped => Environment.GetEnvironmentVariable(SkipVariable) == "1";

    /// <summary>
    /// Reports the calling test as skipped when MESALAB_SKIP_POSTGRES=1, except under CI (<c>CI=true</c>), where
    /// .ci/run installs the server and the PostgreSQL store must be tested: there the opt-out is an error.
    /// </summary>
    public static void SkipIfOptedOut()
    {
        if (!Skipped) return;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{SkipVariable}=1 is set under CI, where the PostgreSQL run store must be tested (.ci/run installs the server); unset it.");
        throw new SkipException($"PostgreSQL run store not tested: {SkipVariable}=1.");
    }

    /// <summary>Whether the server binaries are installed where <see cref="PostgresServer()"/> looks for them.</summary>
    public static bool BinariesPresent() => FindBin("/usr/lib/postgresql", Environment.GetEnvironmentVariable("PATH") ?? "") is not null;

    public PostgresServer() : this("/usr/lib/postgresql", Environment.GetEnvironmentVariable("PATH") ?? "")
    {
    }

    /// <summary>Starts a server from binaries under <paramref name="versionsRoot"/> (<c>*/bin</c>) or on <paramref name="searchPath"/>.</summary>
    public PostgresServer(string versionsRoot, string searchPath)
    {
        bin = FindBin(versionsRoot, searchPath) ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found (looked for /usr/lib/postgresql/*/bin/initdb and initdb on PATH): install them " +
            "(`apt-get install postgresql`, as .ci/run does) or set MESALAB_SKIP_POSTGRES=1 to leave the PostgreSQL store untested.");
        asPostgresUser = Environment.UserName == "root";
        root = Directory.CreateTempSubdirectory("mesalab-pg-").FullName;
        dataDir = Path.Combine(root, "data");
        if (asPostgresUser) Run("chown", ["postgres", root]);
        Run(Path.Combine(bin, "initdb"), ["-D", dataDir, "-U", "mesalab", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"], asPostgresUser);
        Port = FreePort();
        // (the server and its files belong to this test run; Dispose stops and deletes them)
        process = Start(Path.Combine(bin, "postgres"),
            ["-D", dataDir, "-p", Port.ToString(), "-k", root, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
             "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=100"], asPostgresUser);
        watchdog = StartWatchdog();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var c = new NpgsqlConnection(ConnectionString("postgres"));
                c.Open();
                break;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                Thread.Sleep(100);
            }
            catch (Exception e)
            {
                Dispose();
                throw new InvalidOperationException($"the test PostgreSQL server did not start: {e.Message}; log: {Log()}", e);
            }
        }
    }

    public int Port { get; }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "mesalab", Database = database, Pooling = true, MaxPoolSize = 20 }.ConnectionString;

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    public string CreateDatabase()
    {
        string name = $"t{Interlocked.Increment(ref databases)}_{Environment.ProcessId}";
        using var c = new NpgsqlConnection(ConnectionString("postgres"));
        c.Open();
        using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
        cmd.ExecuteNonQuery();
        return ConnectionString(name);
    }

    private string Log() => File.Exists(Path.Combine(root, "log")) ? File.ReadAllText(Path.Combine(root, "log")) : "(none)";

    // If the test host dies without disposing (killed by a CI timeout), a detached shell notices and stops the
    // server and deletes its files, so no stray postgres outlives the test run on a shared machine.
    private Process? StartWatchdog()
    {
        string ctl = Path.Combine(bin, "pg_ctl");
        string stop = asPostgresUser ? $"runuser -u postgres -- '{ctl}' -D '{dataDir}' stop -m immediate" : $"'{ctl}' -D '{dataDir}' stop -m immediate";
        string script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 2; done; {stop} >/dev/null 2>&1; rm -rf '{root}'";
        try
        {
            var psi = new ProcessStartInfo("sh", ["-c", script]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            return Process.Start(psi);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        try { if (watchdog is { HasExited: false }) watchdog.Kill(); } catch (InvalidOperationException) { }
        watchdog?.Dispose();
        try
        {
            if (!process.HasExited)
            {
                Run(Path.Combine(bin, "pg_ctl"), ["-D", dataDir, "stop", "-m", "fast", "-w", "-t", "20"], asPostgresUser);
                if (!process.WaitForExit(20000)) process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        finally
        {
            process.Dispose();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static string? FindBin(string versionsRoot, string searchPath)
    {
        if (Directory.Exists(versionsRoot))
        {
            var best = Directory.GetDirectories(versionsRoot)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out int v) ? v : 0)
                .FirstOrDefault();
            if (best is not null) return best;
        }
        foreach (var dir in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "postgres"))) return dir;
        return null;
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static ProcessStartInfo Info(string file, string[] args, bool asPostgres)
    {
        var psi = asPostgres ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", file, .. args]) : new ProcessStartInfo(file, args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        return psi;
    }

    private static void Run(string file, string[] args, bool asPostgres = false)
    {
        using var p = Process.Start(Info(file, args, asPostgres))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60000)) { p.Kill(true); throw new InvalidOperationException($"{file} timed out."); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}{stdout.Result}");
    }

    private Process Start(string file, string[] args, bool asPostgres)
    {
        var p = Process.Start(Info(file, args, asPostgres))!;
        var log = new StreamWriter(Path.Combine(root, "log")) { AutoFlush = true };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }
}
