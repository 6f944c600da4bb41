// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace IdentityServer.Dcr.Testing;

/// <summary>
/// A TCP forwarder on 127.0.0.1 in front of a real server (PostgreSQL), which a test can cut (every open connection
/// closed, new ones refused) and restore on the same port: a database outage as the bank's instances see it, without
/// stopping the server the other tests share.
/// </summary>
public sealed class LoopbackTcpProxy : IAsyncDisposable
{
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly ConcurrentDictionary<TcpClient, byte> _connections = new();
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();
    private Task? _accepting;

    public LoopbackTcpProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
    }

    /// <summary>The port the proxy listens on (stable across <see cref="CutAsync"/> and <see cref="Restore"/>).</summary>
    public int Port { get; private set; }

    /// <summary>Starts listening (on a free port the first time, on the same port after a cut).</summary>
    public void Start()
    {
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(_listener, _stop.Token);
    }

    /// <summary>The outage: stops listening and closes every forwarded connection.</summary>
    public async Task CutAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        foreach (var connection in _connections.Keys)
        {
            connection.Close();
        }

        _connections.Clear();
        if (_accepting is not null)
        {
            await _accepting.ConfigureAwait(false);
        }
    }

    /// <summary>The end of the outage: listens again on the same port.</summary>
    public void Restore() => Start();

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(ct).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ForwardAsync(client, ct);
        }
    }

    private async Task ForwardAsync(TcpClient client, CancellationToken ct)
    {
        var server = new TcpClient();
        _connections[client] = 0;
        _connections[server] = 0;
        try
        {
            await server.ConnectAsync(_targetHost, _targetPort, ct).ConfigureAwait(false);
            var up = client.GetStream().CopyToAsync(server.GetStream(), ct);
            var down = server.GetStream().CopyToAsync(client.GetStream(), ct);
            await Task.WhenAny(up, down).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            _connections.TryRemove(client, out _);
            _connections.TryRemove(server, out _);
            client.Close();
            server.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CutAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
