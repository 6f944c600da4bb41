// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text;

namespace IdentityServer.Dcr.UnitTests.TestDoubles;

/// <summary>An <see cref="HttpMessageHandler"/> that answers with a function and counts the requests it gets.</summary>
public sealed class FakeHttpMessageHandler : HttpMessageHandler
{
    private int _count;

    public FakeHttpMessageHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) => Respond = respond;

    public Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Respond { get; set; }

    public int Count => Volatile.Read(ref _count);

    public List<HttpRequestMessage> Requests { get; } = [];

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        lock (Requests)
        {
            Requests.Add(request);
        }

        return Respond(request, cancellationToken);
    }
}
