// Hubble events that exercise the readers' edge cases, one JSON line each (shared by the protobuf
// and the parse-thread hand-off tests, which must both give back exactly what the JSON reader read).
/** Edge cases in one line each: unknown is_reply, deprecated reply, TO_ENDPOINT (101), 9-digit nanos, IPv6/ICMPv6, drops, L7 DNS, lost events, node status, enums as numbers. */
export const TRICKY = [
  '{"flow":{"time":"2024-03-01T10:00:00.123456789Z","verdict":"DROPPED","drop_reason_desc":"POLICY_DENIED","IP":{"source":"fd00::1","destination":"fd00::2","ipVersion":"IPv6"},"l4":{"ICMPv6":{"type":128}},"source":{"namespace":"a","pod_name":"p","labels":["k8s:app=x"]},"destination":{"identity":2,"labels":["reserved:world"]},"Type":"L3_L4","event_type":{"type":1,"sub_type":133},"traffic_direction":"EGRESS"},"node_name":"kind/worker","time":"2024-03-01T10:00:00.123456789Z"}',
  '{"flow":{"time":"2021-01-01T00:00:00Z","verdict":"FORWARDED","reply":true,"trace_observation_point":"TO_ENDPOINT","event_type":{"type":4},"l4":{"TCP":{"source_port":80,"destination_port":40000,"flags":{"SYN":true,"ACK":true}}},"source":{"ID":12,"identity":300,"namespace":"b","workloads":[{"name":"w","kind":"Deployment"}]},"destination":{}}}',
  '{"flow":{"time":"2024-03-01T10:00:01.5Z","verdict":"FORWARDED","is_reply":false,"Type":"L7","l7":{"type":"REQUEST","latency_ns":"12","dns":{"query":"example.com.","ips":["1.2.3.4"],"rcode":3}},"destination_names":["example.com"],"policy_match_type":2,"source":{"namespace":"c"},"destination":{"namespace":"kube-system"}},"node_name":"n1"}',
  '{"lost_events":{"source":"HUBBLE_RING_BUFFER","num_events_lost":"42","cpu":3},"node_name":"n2","time":"2024-03-01T10:00:02Z"}',
  '{"node_status":{"state_change":"NODE_UNAVAILABLE","node_names":["n3"],"message":"dial timeout"}}',
  // old agents: only the deprecated numeric drop_reason (155 CT_MAP_INSERTION_FAILED, 133 POLICY_DENIED, 250 unknown to us)
  '{"flow":{"time":"2021-01-01T00:00:00Z","verdict":"DROPPED","drop_reason":155,"l4":{"TCP":{"source_port":40000,"destination_port":80,"flags":{"ACK":true}}},"source":{"namespace":"a"},"destination":{"namespace":"b"},"event_type":{"type":1,"sub_type":155}}}',
  '{"flow":{"time":"2021-01-01T00:00:01Z","verdict":"DROPPED","drop_reason":133,"l4":{"TCP":{"source_port":40000,"destination_port":80,"flags":{"SYN":true}}},"source":{"namespace":"a"},"destination":{"namespace":"b"}}}',
  '{"flow":{"time":"2021-01-01T00:00:02Z","verdict":"DROPPED","drop_reason":250,"drop_reason_desc":"DROP_REASON_UNKNOWN","source":{"namespace":"a"},"destination":{"namespace":"b"}}}',
  // fields flowpol skips (node_labels, services, latency), UTF-8 and long strings, a time before 1970, HTTP
  '{"flow":{"time":"1969-12-31T23:59:58.75Z","uuid":"u-1","verdict":"AUDIT","node_labels":["a=b"],"source_service":{"name":"s","namespace":"n"},"l4":{"UDP":{"source_port":53,"destination_port":5353}},"l7":{"type":"RESPONSE","latency_ns":"99","http":{"code":200,"method":"GET","url":"http://x/é"}},"source":{"namespace":"ü-ns","labels":["k8s:note=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]},"destination":{"pod_name":"p-é"},"is_reply":true}}',
  // the deprecated reply written out as false and zero ID/identity (protojson with defaults) say no more than absent fields
  '{"flow":{"time":"2021-01-01T00:00:03Z","verdict":"FORWARDED","reply":false,"l4":{"UDP":{"source_port":40000,"destination_port":53}},"source":{"ID":0,"identity":0,"namespace":"a"},"destination":{"namespace":"b"}}}',
  // precedence: the flow's own time and node_name over the envelope's, the is_reply wrapper over the
  // deprecated reply, drop_reason_desc over drop_reason; cluster names kept
  '{"flow":{"time":"2024-03-01T10:00:03Z","node_name":"flow-node","verdict":"DROPPED","drop_reason":155,"drop_reason_desc":"POLICY_DENIED","reply":true,"is_reply":false,"source":{"namespace":"a","cluster_name":"east"},"destination":{"namespace":"b","cluster_name":"west"}},"node_name":"envelope-node","time":"2024-03-01T10:00:09Z"}',
  // cpu 0 is a wrapper that is present (not "no cpu"); a count of 2^33 + 2^31 + 5 (bits on both sides of 32)
  '{"lost_events":{"source":"HUBBLE_RING_BUFFER","num_events_lost":"10737418245","cpu":0},"node_name":"n2","time":"2024-03-01T10:00:02Z"}',
  // enums written as numbers, which protojson readers accept: DROPPED (2) with the deprecated drop_reason,
  // L3_L4, INGRESS, TO_ENDPOINT (101), IPv4; then drop_reason_desc 155, UNKNOWN_POINT (0), IPv6
  '{"flow":{"time":"2024-03-01T10:00:04Z","verdict":2,"drop_reason":133,"Type":1,"traffic_direction":1,"trace_observation_point":101,"IP":{"source":"10.0.0.1","destination":"10.0.0.2","ipVersion":1},"l4":{"TCP":{"source_port":40000,"destination_port":80,"flags":{"SYN":true}}},"source":{"namespace":"a"},"destination":{"namespace":"b"}}}',
  '{"flow":{"time":"2024-03-01T10:00:05Z","verdict":"DROPPED","drop_reason_desc":155,"trace_observation_point":0,"IP":{"source":"fd00::1","destination":"fd00::2","ipVersion":2},"source":{"namespace":"a"},"destination":{"namespace":"b"}}}',
];
