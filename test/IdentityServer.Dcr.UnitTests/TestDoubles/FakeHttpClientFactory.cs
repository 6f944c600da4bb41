// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.UnitTests.TestDoubles;

/// <summary>An <see cref="IHttpClientFactory"/> whose clients all share one handler; records the names asked for.</summary>
public sealed class FakeHttpClientFactory(HttpMessageHandler handler) : IHttpClientFactory
{
    public List<string> Names { get; } = [];

    public HttpClient CreateClient(string name)
    {
        lock (Names)
        {
            Names.Add(name);
        }

        return new HttpClient(handler, disposeHandler: false);
    }
}
