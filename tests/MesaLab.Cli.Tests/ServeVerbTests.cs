namespace MesaLab.Cli.Tests;

using MesaLab.Store;

/// <summary><c>mesalab serve</c> refuses what it cannot serve in one sentence with exit code 2, before it listens, and creates nothing.</summary>
public sealed class ServeVerbTests() : CliWorkspaceTests("mesalab-cli-serve-")
{
    [Fact]
    public void A_workspace_without_a_store_is_one_sentence_and_nothing_is_created()
    {
        string missing = Path.Combine(workspace, "nothing-here");
        var (exit, _, stderr) = RunCli("serve", "--workspace", missing, "--port", "0");
        Assert.Equal(2, exit);
        Assert.Contains("has no run store", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(Directory.Exists(missing));
    }

    [Theory]
    [InlineData("--host", "not-an-address", "--host is 'not-an-address', but it must be an IP address")]
    [InlineData("--port", "70000", "--port is 70000, but it must be an integer from 0 (any free port) to 65535")]
    public void A_bad_host_or_port_is_one_sentence(string option, string value, string sentence)
    {
        using (RunStores.Open(workspace)) { }
        var (exit, _, stderr) = RunCli("serve", "--workspace", workspace, option, value);
        Assert.Equal(2, exit);
        Assert.Contains(sentence, stderr);
    }
}
