// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>
/// A real Kestrel HTTPS server on 127.0.0.1 serving JSON documents (the directory's and TPPs' JWKS), counting the
/// requests per path; it can be stopped and started again on the same port to simulate an outage.
/// </summary>
public sealed class LoopbackDocumentServer : IAsyncDisposable
{
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentDictionary<string, string> _documents = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private int _port;

    public LoopbackDocumentServer(X509Certificate2 certificate) => _certificate = certificate;

    public int Requests => _requests;

    private int _requests;

    private readonly ConcurrentDictionary<string, int> _requestsByPath = new(StringComparer.Ordinal);

    /// <summary>How many requests reached <paramref name="path"/> (whether or not a document is served there).</summary>
    public int RequestsFor(string path) => _requestsByPath.GetValueOrDefault("/" + path.TrimStart('/'));

    public Uri BaseAddress => new($"https://127.0.0.1:{_port}/");

    public Uri UriFor(string path) => new(BaseAddress, path.TrimStart('/'));

    public void Serve(string path, string json) => _documents["/" + path.TrimStart('/')] = json;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, _port, l => l.UseHttps(_certificate)));
        _app = builder.Build();
        _app.Run(async context =>
        {
            Interlocked.Increment(ref _requests);
            _requestsByPath.AddOrUpdate(context.Request.Path.Value ?? string.Empty, 1, (_, count) => count + 1);
            if (_documents.TryGetValue(context.Request.Path.Value ?? string.Empty, out var json))
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(json);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _port = new Uri(address).Port;
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
