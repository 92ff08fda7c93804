package node

// QuotaSettled reports whether the node holds the portal's quota counts of
// revision rev, asked for after the portal confirmed every usage batch the
// node spooled: its limiter then subtracts all of its own reports from
// them, none is counted twice.
func (n *Node) QuotaSettled(rev string) bool {
	q := n.quota
	if q == nil {
		return false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.rev == rev && len(q.pending) == 0
}
