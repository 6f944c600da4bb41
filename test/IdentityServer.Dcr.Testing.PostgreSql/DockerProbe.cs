// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IdentityServer.Dcr.Testing.PostgreSql;

/// <summary>Asks the Docker engine for <c>/_ping</c>, quickly, so that a missing engine costs no time.</summary>
internal static class DockerProbe
{
    private const string DefaultSocket = "/var/run/docker.sock";

    public static async Task<(bool Available, string Detail)> ProbeAsync(TimeSpan timeout)
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        EndPoint endPoint;
        if (string.IsNullOrWhiteSpace(host))
        {
            if (!File.Exists(DefaultSocket))
            {
                return (false, $"DOCKER_HOST is not set and {DefaultSocket} does not exist");
            }

            endPoint = new UnixDomainSocketEndPoint(DefaultSocket);
            host = "unix://" + DefaultSocket;
        }
        else if (host.StartsWith("unix://", StringComparison.Ordinal))
        {
            endPoint = new UnixDomainSocketEndPoint(host["unix://".Length..]);
        }
        else if (Uri.TryCreate(host, UriKind.Absolute, out var uri) && uri.Scheme is "tcp" or "http")
        {
            endPoint = new DnsEndPoint(uri.Host, uri.Port);
        }
        else
        {
            return (false, $"DOCKER_HOST '{host}' is not a unix:// or tcp:// address this probe understands");
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            using var socket = endPoint is UnixDomainSocketEndPoint
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endPoint, cts.Token).ConfigureAwait(false);
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"), cts.Token).ConfigureAwait(false);
            var buffer = new byte[256];
            var read = await socket.ReceiveAsync(buffer, cts.Token).ConfigureAwait(false);
            var answer = Encoding.ASCII.GetString(buffer, 0, read);
            return answer.Contains(" 200 ", StringComparison.Ordinal)
                ? (true, host)
                : (false, $"{host} answered '{answer.Split('\n')[0].Trim()}'");
        }
        catch (OperationCanceledException)
        {
            return (false, $"{host} did not answer within {timeout.TotalSeconds:0} s");
        }
        catch (SocketException ex)
        {
            return (false, $"{host}: {ex.Message}");
        }
    }
}
