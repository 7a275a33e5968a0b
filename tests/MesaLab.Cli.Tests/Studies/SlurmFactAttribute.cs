namespace MesaLab.Cli.Tests.Studies;

/// <summary>
/// A test that needs a real Slurm cluster and PostgreSQL server started for it. Skipped, with the reason, when their
/// programs are missing — except under CI (<c>CI=true</c>), where .ci/run installs them and the test must run.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        string? reason = SlurmCluster.Unavailable();
        if (reason is null && !Directory.Exists("/usr/lib/postgresql"))
            reason = "PostgreSQL server binaries not found (/usr/lib/postgresql); install them with `apt-get install postgresql` (as .ci/run does).";
        if (reason is not null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Skip = reason;
    }
}
