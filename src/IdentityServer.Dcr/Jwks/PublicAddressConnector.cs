// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace IdentityServer.Dcr.Jwks;

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> of the software JWKS client: resolves the host itself and
/// connects only to addresses <see cref="NetworkAddressPolicy.IsAllowed"/> accepts. Checking the address actually
/// connected to (not a name resolved earlier) is what defeats DNS rebinding.
/// </summary>
internal static class PublicAddressConnector
{
    /// <summary>Connects to the first reachable allowed address of the request's host.</summary>
    /// <param name="context">The connection context.</param>
    /// <param name="allowedNetworks">Read at each connection: the non-public networks the bank allows.</param>
    /// <param name="ct">Cancels the connection.</param>
    /// <returns>The connected stream.</returns>
    /// <exception cref="JwksAddressRefusedException">No address of the host is allowed.</exception>
    public static async ValueTask<Stream> ConnectAsync(
        SocketsHttpConnectionContext context,
        Func<IReadOnlyList<IPNetwork>> allowedNetworks,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(allowedNetworks);
        var endPoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, ct).ConfigureAwait(false);

        var networks = allowedNetworks();
        var allowed = Array.FindAll(addresses, a => NetworkAddressPolicy.IsAllowed(a, networks));
        if (allowed.Length == 0)
        {
            throw new JwksAddressRefusedException(endPoint.Host);
        }

        ExceptionDispatchInfo? lastFailure = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                lastFailure = ExceptionDispatchInfo.Capture(ex);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        lastFailure!.Throw();
        return null!;
    }
}
