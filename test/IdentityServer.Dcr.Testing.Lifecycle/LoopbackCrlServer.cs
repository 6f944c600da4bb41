// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace IdentityServer.Dcr.Testing.Lifecycle;

/// <summary>
/// A CA's CRL distribution point on 127.0.0.1 over plain HTTP (as CAs publish CRLs), served fresh on every request from
/// <c>crl</c>; it can be switched off to simulate an unreachable distribution point.
/// </summary>
public sealed class LoopbackCrlServer : IAsyncDisposable
{
    private readonly Func<byte[]> _crl;
    private TestHost? _host;
    private int _requests;

    public LoopbackCrlServer(Func<byte[]> crl) => _crl = crl;

    /// <summary>Where the CRL is published.</summary>
    public Uri Uri { get; private set; } = null!;

    /// <summary>Whether the distribution point answers (false: 503, as an outage).</summary>
    public bool Available { get; set; } = true;

    /// <summary>How many times the CRL was fetched.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public async Task StartAsync()
    {
        _host = await TestHost.StartAsync(new TestHostOptions
        {
            PlainHttpOnly = true,
            ConfigureApp = app =>
            {
                app.MapGet("/ca.crl", () =>
                {
                    Interlocked.Increment(ref _requests);
                    return Available ? Results.Bytes(_crl(), "application/pkix-crl") : Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
                });
                return Task.CompletedTask;
            },
        });
        Uri = new Uri(_host.BaseAddress, "ca.crl");
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
