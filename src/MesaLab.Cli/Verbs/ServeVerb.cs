namespace MesaLab.Cli;

using System.CommandLine;
using MesaLab.Cli.Options;
using MesaLab.Store;
using MesaLab.Web;

/// <summary><c>mesalab serve</c>: the dashboard over the run store (read-only), until Ctrl-C.</summary>
public static class ServeVerb
{
    public static Command Create(CliContext cli)
    {
        var port = new Option<int>("--port") { Description = $"TCP port to listen on (0 picks a free one)", DefaultValueFactory = _ => DashboardOptions.DefaultPort };
        var host = new Option<string>("--host")
        {
            Description = "address to listen on; only this machine can connect on the default loopback address, and another address is warned about, as the dashboard has no login",
            DefaultValueFactory = _ => DashboardOptions.DefaultHost,
        };
        var cmd = new Command("serve", "serve the dashboard: runs and studies, live training curves, outcomes, behavioral objectives, the decomposition, transparency results and an episode player, read-only over the run store");
        foreach (var o in new Option[] { CommonOptions.Workspace(), port, host }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var options = new DashboardOptions(p.GetValue(host)!, p.GetValue(port));
            options.Validate();
            using var store = RunStores.OpenReadOnly(CommonOptions.Workspace(p));
            var server = DashboardServer.StartAsync(store, options, cli.Cancel).GetAwaiter().GetResult();
            try
            {
                if (!options.LoopbackOnly) cli.Output.Log(DashboardServer.NoLoginWarning(options, server.Url));
                cli.Output.Result(new { url = server.Url, store = store.Location, host = options.Host, loopback_only = options.LoopbackOnly, read_only = true },
                    o => o.WriteLine($"dashboard of {store.Location} at {server.Url} (read-only; Ctrl-C stops it)"));
                cli.Output.Stdout.Flush();
                server.RunUntilAsync(cli.Cancel).GetAwaiter().GetResult();
            }
            finally
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            cli.Output.Log("dashboard stopped.");
            return 0;
        });
        return cmd;
    }
}
