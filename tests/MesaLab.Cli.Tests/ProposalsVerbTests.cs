namespace MesaLab.Cli.Tests;

using System.Text.Json;

/// <summary><c>mesalab proposals</c>: the dry run lists proposals, procedures and axes without storing anything; bad input is one sentence and exit code 2.</summary>
public sealed class ProposalsVerbTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mesalab-proposals-cli-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int exit = Cli.Run(args, o, e);
        return (exit, o.ToString(), e.ToString());
    }

    [Fact]
    public void The_dry_run_lists_every_proposal_its_procedure_and_what_each_axis_measures_and_stores_nothing()
    {
        string ws = Path.Combine(dir, "ws");
        var (exit, stdout, _) = Run("proposals", "--dry-run", "--json", "--workspace", ws, "--seeds", "1,2");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        var proposals = doc.RootElement.GetProperty("proposals").EnumerateArray().ToList();
        Assert.Equal(["plain-rl", "randomized-levels", "regret-replay", "reward-modeling", "approval-myopic", "imitative-amplification", "transparency", "transparency-control"],
            proposals.Select(p => p.GetProperty("name").GetString()));
        Assert.Contains("curriculum.kind: regret_replay", proposals[2].GetProperty("set").GetString());
        Assert.Equal(4, doc.RootElement.GetProperty("axes").GetArrayLength());
        Assert.Equal(16, doc.RootElement.GetProperty("jobs").GetInt32());
        Assert.Equal(0, doc.RootElement.GetProperty("not_on_this_world").GetArrayLength());
        Assert.False(Directory.Exists(ws));

        (exit, stdout, _) = Run("proposals", "--dry-run", "--workspace", ws);
        Assert.Equal(0, exit);
        Assert.Contains("keeps:", stdout);
        Assert.Contains("inner alignment:", stdout);

        // Every proposal runs on keys and chests; on follow-the-leader the ones that plan toward a goal are listed with the sentence saying why they cannot run.
        string keys = Path.Combine(dir, "keys.yaml");
        File.WriteAllText(keys, "world: keys-and-chests\nproposals:\n  include: [plain-rl, randomized-levels]\n");
        (exit, stdout, _) = Run("proposals", keys, "--dry-run", "--json", "--workspace", ws);
        Assert.Equal(0, exit);
        using (var onKeys = JsonDocument.Parse(stdout))
            Assert.Equal(0, onKeys.RootElement.GetProperty("not_on_this_world").GetArrayLength());
        string leader = Path.Combine(dir, "leader.yaml");
        File.WriteAllText(leader, "world: follow-the-leader\nproposals:\n  include: [plain-rl, randomized-levels]\n");
        (exit, stdout, _) = Run("proposals", leader, "--dry-run", "--json", "--workspace", ws);
        Assert.Equal(0, exit);
        using var onLeader = JsonDocument.Parse(stdout);
        var refused = onLeader.RootElement.GetProperty("not_on_this_world").EnumerateArray().ToList();
        Assert.Contains("imitative-amplification", refused.Select(r => r.GetProperty("name").GetString()));
        Assert.All(refused, r => Assert.Contains("cannot run on world 'follow-the-leader'", r.GetProperty("reason").GetString()));
        (exit, stdout, _) = Run("proposals", leader, "--dry-run", "--workspace", ws);
        Assert.Contains("not on follow-the-leader (refused if included):", stdout);
        Assert.False(Directory.Exists(ws));
    }

    [Fact]
    public void An_unknown_proposal_is_one_sentence_and_exit_code_2()
    {
        var (exit, stdout, stderr) = Run("proposals", "--dry-run", "--include", "plain-rl,debate");
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("'debate', but the proposals are plain-rl", stderr);
        Assert.DoesNotContain("   at ", stderr);

        string file = Path.Combine(dir, "p.yaml");
        File.WriteAllText(file, "proposals:\n  disambiguating_fraction: -1\n");
        (exit, _, stderr) = Run("proposals", file, "--dry-run");
        Assert.Equal(2, exit);
        Assert.Contains("p.yaml:2", stderr);
    }
}
