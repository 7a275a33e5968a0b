namespace MesaLab.Web.Tests;

using MesaLab.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

/// <summary>
/// The dashboard in-process (TestServer) over a read-only store, configured as <c>mesalab serve</c> configures it. The
/// factory's entry-point type is this test assembly's (the dashboard is a library that <c>mesalab</c> hosts).
/// </summary>
public sealed class DashboardFactory(IRunStore store, TimeSpan? poll = null) : WebApplicationFactory<DashboardFactory>
{
    protected override IHostBuilder CreateHostBuilder() =>
        Host.CreateDefaultBuilder().ConfigureWebHostDefaults(web =>
        {
            web.ConfigureServices(s => Dashboard.AddServices(s, store, new DashboardOptions(PollInterval: poll ?? TimeSpan.FromMilliseconds(100))));
            web.Configure(Dashboard.Configure);
        });

    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseContentRoot(AppContext.BaseDirectory);
}
