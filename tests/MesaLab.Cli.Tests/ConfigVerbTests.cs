namespace MesaLab.Cli.Tests;

using System.Text.Json;

public sealed class ConfigVerbTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int exit = Cli.Run(args, o, e);
        return (exit, o.ToString(), e.ToString());
    }

    [Fact]
    public void Config_show_prints_the_effective_configuration_with_overrides()
    {
        var (exit, stdout, _) = Run("config", "show", "--set", "seed=5", "--set", "world_parameters.goal=arrow", "--json");
        Assert.Equal(0, exit);
        var doc = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(5, doc.GetProperty("seed").GetInt64());
        Assert.Equal("green-arrow-maze", doc.GetProperty("world").GetString());
        var deploy = doc.GetProperty("splits").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "deploy");
        Assert.Equal("arrow", deploy.GetProperty("values").GetProperty("goal").GetString());
        Assert.Contains("seed: 5", doc.GetProperty("yaml").GetString());

        (exit, stdout, _) = Run("config", "show");
        Assert.Equal(0, exit);
        Assert.Contains("world: green-arrow-maze", stdout);
        Assert.Contains("# split train:", stdout);
    }

    [Fact]
    public void A_bad_override_is_one_sentence_and_exit_code_2()
    {
        var (exit, stdout, stderr) = Run("config", "show", "--set", "seed=minus one");
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Equal("error: --set seed=minus one: seed is 'minus one', but it must be a whole number.", stderr.Trim());
    }

    [Fact]
    public void A_missing_file_is_one_sentence_and_exit_code_2()
    {
        var (exit, _, stderr) = Run("config", "show", "no-such-experiment.yaml");
        Assert.Equal(2, exit);
        Assert.Equal("error: config file 'no-such-experiment.yaml' does not exist.", stderr.Trim());
    }
}
