// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Net.Sockets;

namespace IdentityServer.Dcr.Testing.PostgreSql;

/// <summary>Free TCP ports on 127.0.0.1, for a demo host whose issuer (its URL) must be known before it starts.</summary>
public static class LoopbackPort
{
    /// <summary>A port that was free a moment ago.</summary>
    /// <returns>The port.</returns>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
