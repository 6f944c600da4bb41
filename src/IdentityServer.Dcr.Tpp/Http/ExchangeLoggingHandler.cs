// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using System.Net.Http.Headers;

namespace IdentityServer.Dcr.Tpp.Http;

/// <summary>
/// <c>--verbose</c>: prints every HTTP exchange (method, URL, status, headers, bodies) to the error stream, with
/// secrets redacted by <see cref="Redactor"/>.
/// </summary>
internal sealed class ExchangeLoggingHandler(TextWriter log, string? clientCertificate) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        log.WriteLine($"> {request.Method} {request.RequestUri}");
        if (clientCertificate is not null)
        {
            log.WriteLine($"> (TLS client certificate: {clientCertificate})");
        }

        WriteHeaders(">", request.Headers, request.Content?.Headers);
        if (request.Content is not null)
        {
            var body = await request.Content.ReadAsStringAsync(cancellationToken);
            WriteBody(">", body, request.Content.Headers.ContentType?.MediaType);
        }

        var stopwatch = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            log.WriteLine($"< (no answer after {stopwatch.ElapsedMilliseconds} ms: {ex.GetBaseException().Message})");
            throw;
        }

        log.WriteLine($"< {(int)response.StatusCode} {response.ReasonPhrase} ({stopwatch.ElapsedMilliseconds} ms)");
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        WriteHeaders("<", response.Headers, response.Content.Headers);
        WriteBody("<", await response.Content.ReadAsStringAsync(cancellationToken), response.Content.Headers.ContentType?.MediaType);
        log.WriteLine();
        return response;
    }

    private void WriteHeaders(string prefix, HttpHeaders headers, HttpContentHeaders? contentHeaders)
    {
        foreach (var (name, values) in headers.Concat(contentHeaders ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
        {
            log.WriteLine($"{prefix} {name}: {Redactor.Header(name, string.Join(", ", values))}");
        }
    }

    private void WriteBody(string prefix, string body, string? mediaType)
    {
        if (body.Length == 0)
        {
            return;
        }

        log.WriteLine(prefix);
        foreach (var line in Redactor.Body(body, mediaType).Split('\n'))
        {
            log.WriteLine($"{prefix} {line.TrimEnd('\r')}");
        }
    }
}
