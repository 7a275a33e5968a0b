namespace MesaLab.Web;

using System.Net;

/// <summary>Where the dashboard listens and how often live views look at the store.</summary>
/// <param name="Host">Address to bind: loopback unless the user names another (there is no login).</param>
/// <param name="Port">TCP port; 0 picks a free one.</param>
/// <param name="PollInterval">How often a live training curve asks the store for new metrics.</param>
public sealed record DashboardOptions(string Host = DashboardOptions.DefaultHost, int Port = DashboardOptions.DefaultPort, TimeSpan? PollInterval = null)
{
    public const string DefaultHost = "127.0.0.1";
    public const int DefaultPort = 8050;

    public TimeSpan Poll => PollInterval ?? TimeSpan.FromSeconds(1);

    /// <summary>The address to bind; a <see cref="UserError"/> naming the allowed forms when <see cref="Host"/> is not one.</summary>
    public IPAddress Address()
    {
        if (Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        if (IPAddress.TryParse(Host, out var address)) return address;
        throw new UserError($"--host is '{Host}', but it must be an IP address to listen on (127.0.0.1 by default, ::1, 0.0.0.0 for every interface) or localhost.");
    }

    /// <summary>Whether only this machine can connect.</summary>
    public bool LoopbackOnly => IPAddress.IsLoopback(Address());

    /// <summary>Checks the port before anything starts.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535) throw new UserError($"--port is {Port}, but it must be an integer from 0 (any free port) to 65535.");
        Address();
    }
}
