// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>
/// A real Kestrel HTTPS server on 127.0.0.1 serving JSON documents (the directory's and TPPs' JWKS), counting the
/// requests per path; it can be stopped and started again on the same port to simulate an outage.
/// </summary>
public sealed class LoopbackDocumentServer : IAsyncDisposable
{
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentDictionary<string, string> _documents = new(StringComparer.Ordinal);
    private TestHost? _host;
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
        // On a free port the first time, on the same port after a stop (the documents' URLs stay valid).
        _host = await TestHost.StartAsync(new TestHostOptions
        {
            ServerCertificate = _certificate,
            ConfigureHttps = (_, _) => { }, // no client certificate asked for
            Port = _port,
            ConfigureApp = app =>
            {
                app.Run(async context =>
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
                return Task.CompletedTask;
            },
        });
        _port = _host.BaseAddress.Port;
    }

    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            _host = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
