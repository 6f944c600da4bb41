// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>The TPPs' key stores: a small HTTPS server on loopback serving each TPP's JWKS at <c>/tpp/{software_id}.jwks</c>.</summary>
public sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _documents = new(StringComparer.Ordinal);

    private JwksServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<JwksServer> StartAsync(X509Certificate2 certificate, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var server = new JwksServer(app, new Uri($"https://127.0.0.1:{port}/"));
        app.MapGet("/tpp/{name}", (string name) => server._documents.TryGetValue(name, out var jwks)
            ? Results.Text(jwks, "application/json")
            : Results.NotFound());
        await app.StartAsync();
        return server;
    }

    public void Serve(BenchTpp tpp) => _documents[tpp.SoftwareId + ".jwks"] = tpp.Jwks;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
