namespace MesaLab.Cli.Tests;

/// <summary>Base of CLI tests that need a run-store workspace: a fresh temporary directory, removed afterwards.</summary>
public abstract class CliWorkspaceTests : IDisposable
{
    protected CliWorkspaceTests(string prefix) => workspace = Directory.CreateTempSubdirectory(prefix).FullName;

    protected readonly string workspace;

    /// <summary>Runs the command line in-process; returns the exit code, stdout and stderr.</summary>
    protected static (int Exit, string Out, string Err) RunCli(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int exit = Cli.Run(args, o, e);
        return (exit, o.ToString(), e.ToString());
    }

    /// <summary>Same, with <c>--workspace</c> pointing at this test's workspace.</summary>
    protected (int Exit, string Out, string Err) RunInWorkspace(params string[] args) => RunCli([.. args, "--workspace", workspace]);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(workspace, recursive: true);
    }
}
