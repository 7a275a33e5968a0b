namespace MesaLab.Web;

using System.Net.Sockets;
using MesaLab.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

/// <summary>
/// <c>mesalab serve</c>'s web server: Kestrel on the chosen address (loopback unless the user names another), the
/// dashboard over a read-only store, logs on stderr at warning level.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private DashboardServer(WebApplication app, IRunStore store, DashboardOptions options)
    {
        this.app = app;
        Store = store;
        Options = options;
    }

    public IRunStore Store { get; }
    public DashboardOptions Options { get; }

    /// <summary>The address the server listens on, with the port it got (e.g. <c>http://127.0.0.1:8050/</c>).</summary>
    public string Url { get; private set; } = "";

    /// <summary>Starts serving <paramref name="store"/>; a port already in use is a <see cref="UserError"/>.</summary>
    public static async Task<DashboardServer> StartAsync(IRunStore store, DashboardOptions options, CancellationToken cancel = default)
    {
        options.Validate();
        var address = options.Address();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, options.Port));
        Dashboard.AddServices(builder.Services, store, options);
        var app = builder.Build();
        Dashboard.Configure(app);
        var server = new DashboardServer(app, store, options);
        try
        {
            await app.StartAsync(cancel);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await app.DisposeAsync();
            throw new UserError($"port {options.Port} on {options.Host} is in use; choose another with --port (0 picks a free one).");
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressNotAvailable)
        {
            await app.DisposeAsync();
            throw new UserError($"--host {options.Host} is not an address of this machine; use 127.0.0.1 (default), ::1 or 0.0.0.0.");
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        int port = new Uri(bound).Port;
        string host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        server.Url = $"http://{host}:{port}/";
        return server;
    }

    /// <summary>Serves until <paramref name="cancel"/> fires (Ctrl-C, SIGTERM), then stops.</summary>
    public async Task RunUntilAsync(CancellationToken cancel)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancel);
        }
        catch (OperationCanceledException)
        {
        }
        await app.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    /// <summary>The warning printed when the server listens beyond this machine.</summary>
    public static string NoLoginWarning(DashboardOptions options, string url) =>
        $"warning: the dashboard listens on {options.Host}, beyond this machine, and has no login: anyone who can reach {url} can read every run, evaluation and configuration in the store.";
}
