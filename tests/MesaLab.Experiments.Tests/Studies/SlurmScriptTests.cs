namespace MesaLab.Experiments.Tests.Studies;

using MesaLab.Experiments;

/// <summary>The sbatch array script a study submits, and the checks made before submitting.</summary>
public sealed class SlurmScriptTests
{
    [Fact]
    public void The_script_runs_one_job_per_array_task_with_the_resources_asked_for()
    {
        var command = new MesalabCommand("/opt/dotnet/dotnet", ["/opt/mesa lab/mesalab.dll"]);
        var script = SlurmExecutor.Script("homogeneity", [0, 1, 2, 5, 7, 8], new SlurmSettings { Partition = "cpu", Time = "02:00:00", Memory = "3G" }, 2, 3,
            command, "/shared/ws", "/shared/ws/studies/homogeneity");
        var lines = script.Split('\n');
        Assert.Equal("#!/bin/bash", lines[0]);
        foreach (var expected in new[] { "#SBATCH --job-name=mesalab-homogeneity", "#SBATCH --array=0-2,5,7-8", "#SBATCH --cpus-per-task=2", "#SBATCH --mem=3G",
                     "#SBATCH --time=02:00:00", "#SBATCH --partition=cpu", "#SBATCH --output=/shared/ws/studies/homogeneity/slurm-%A_%a.out", "#SBATCH --export=ALL" })
            Assert.Contains(expected, lines);
        Assert.Equal("exec /opt/dotnet/dotnet '/opt/mesa lab/mesalab.dll' study work homogeneity --job-index \"$SLURM_ARRAY_TASK_ID\" --retries 3 --workspace /shared/ws",
            lines.Single(l => l.StartsWith("exec ", StringComparison.Ordinal)));
        Assert.DoesNotContain("MESALAB_STORE=", script); // the connection string (and its password) stays in the environment
        Assert.DoesNotContain("--partition", SlurmExecutor.Script("s", [0], new SlurmSettings(), 1, 0, command, "/w", "/w/s"));
    }

    [Fact]
    public void Array_ranges_are_written_as_slurm_reads_them()
    {
        Assert.Equal("0-3", SlurmExecutor.Ranges([0, 1, 2, 3]));
        Assert.Equal("0,2,4-6,9", SlurmExecutor.Ranges([9, 0, 2, 4, 5, 6, 5]));
        Assert.Equal("7", SlurmExecutor.Ranges([7]));
    }

    [Fact]
    public void Slurm_without_sbatch_or_with_a_sqlite_store_on_several_nodes_is_one_sentence()
    {
        var none = Assert.Throws<UserError>(() => SlurmExecutor.Check(true, "postgresql://db:5432/m", false, path: "/nonexistent"));
        Assert.Equal("--executor slurm needs sbatch, and it is not on PATH; run the study on a Slurm login node, or use --executor local.", none.Message);

        var bin = Directory.CreateTempSubdirectory("mesalab-fake-sbatch-");
        try
        {
            File.WriteAllText(Path.Combine(bin.FullName, "sbatch"), "#!/bin/sh\n");
            var sqlite = Assert.Throws<UserError>(() => SlurmExecutor.Check(false, "sqlite:/w/mesalab.db", false, path: bin.FullName));
            Assert.StartsWith("--executor slurm runs jobs on other nodes, which cannot share the SQLite store sqlite:/w/mesalab.db; set MESALAB_STORE", sqlite.Message);
            Assert.Equal(Path.Combine(bin.FullName, "sbatch"), SlurmExecutor.Check(false, "sqlite:/w/mesalab.db", singleNode: true, path: bin.FullName));
            Assert.Equal(Path.Combine(bin.FullName, "sbatch"), SlurmExecutor.Check(true, "postgresql://db:5432/m", false, path: bin.FullName));
            // A dry run needs no sbatch, but its script must still point the tasks at a store they share.
            Assert.Null(SlurmExecutor.Check(true, "postgresql://db:5432/m", false, submit: false, path: "/nonexistent"));
            Assert.Throws<UserError>(() => SlurmExecutor.Check(false, "sqlite:/w/mesalab.db", false, submit: false, path: "/nonexistent"));
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [Fact]
    public void Shell_words_are_quoted_only_when_needed()
    {
        Assert.Equal("plain/seed-1", MesalabCommand.Quote("plain/seed-1"));
        Assert.Equal("'it'\\''s here'", MesalabCommand.Quote("it's here"));
        Assert.Equal("''", MesalabCommand.Quote(""));
    }
}
